"""Words a person reads are words: every model names itself readably (the audit log shows targets by
name, never "ContentSettings object (1)"), a field's label does not say "(optional)" (the field templates
add it), and a status badge shows its label ("Awaiting approval", not "Awaitingapproval")."""

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from advocacy.core.registry import registrations
from content_library.models import ContentItem
from tests.content_library.factories import ContentItemFactory

pytestmark = pytest.mark.django_db

OURS = tuple(config.name for config, _ in registrations())
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def our_models():
    return [m for m in apps.get_models() if m._meta.app_config.name in OURS]


def test_every_model_of_the_project_has_a_readable_name():
    assert len(our_models()) > 20
    unnamed = [m._meta.label for m in our_models() if m.__str__ is models.Model.__str__]
    assert unnamed == [], "give these models a __str__: the audit log and the admin show targets by it"


def test_the_audit_log_names_a_settings_change_readably(org, admin, client_for, in_org):
    from content_library import services

    with in_org(org):
        services.content_settings_update(
            organization=org, actor=admin, daily_share_cap=5, sharing_start=None, sharing_end=None,
            timezone_name="Europe/Berlin", networks_enabled=["linkedin"], moderators_may_approve=False,
        )  # fmt: skip
    html = client_for(admin).get(f"/o/{org.slug}/audit/").content.decode()
    assert "Content settings" in html
    assert not re.search(r"\w+ object \(\d+\)", html)


def form_classes():
    for name in OURS:
        try:
            importlib.import_module(f"{name}.forms")
        except ModuleNotFoundError as missing:
            if missing.name != f"{name}.forms":
                raise
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".forms")[0] in OURS and hasattr(cls, "base_fields"):
            found.append(cls)
    return found


def test_no_field_label_says_optional_the_field_templates_do():
    classes = form_classes()
    assert len(classes) > 10
    wrong = [
        f"{cls.__module__}.{cls.__name__}.{name}: {field.label}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if field.label and "optional" in str(field.label).lower()
    ]
    assert wrong == []


def test_no_template_makes_a_label_by_cutting_a_code():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {line.strip()}"
        for path in TEMPLATES.rglob("*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"""(status|kind|role|decision)\w*\|cut:["']_["']""", line)
    ]
    assert offenders == [], "show the choice's label (get_FOO_display or a label property)"


def test_every_content_status_badge_reads_as_words(org, admin, client_for, in_org):
    now = timezone.now()
    with in_org(org):
        for status in ContentItem.Status:
            ContentItemFactory(organization=org, status=status, title=f"Item {status.value}")
        ContentItemFactory(organization=org, title="Item scheduled", publish_at=now + timezone.timedelta(days=2))
    html = client_for(admin).get(f"/o/{org.slug}/content/library/").content.decode()
    badges = dict(re.findall(r'class="badge badge-status-([a-z_]+)">([^<]*)</span>', html))
    expected = {status.value: status.label for status in ContentItem.Status} | {"scheduled": "Scheduled"}
    assert badges == expected
    assert badges["awaiting_approval"] == "Awaiting approval"
