"""Badges in the weekly digest (content_library's digest, recognition's registered section): each award is
announced once, in the text and the HTML body (escaped there), to members without new content too; old awards,
switched-off badges, opted-out members and other organizations' awards are left out."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from content_library import services as content_services
from content_library.digest import _SECTIONS, send_weekly_digest
from recognition import services
from recognition.models import Badge, BadgeAward
from tests.content_library.factories import ContentItemFactory
from tests.recognition.factories import member

pytestmark = pytest.mark.django_db


def _send(org, captured, today=None) -> int:
    with captured(execute=True):
        return send_weekly_digest(organization=org, today=today)


def _award(org, admin, user, key="first-share", note="Welcome"):
    with organization_scope(org):
        services.badges_ensure_built_in(organization=org)
        badge = Badge.objects.get(key=key)
        return services.badge_award_by_hand(organization=org, actor=admin, badge=badge, user=user, note=note)


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_section_is_registered_by_recognition():
    assert "recognition.digest.badges_section" in _SECTIONS


def test_a_new_badge_is_announced_once_in_text_and_html(org, admin, django_capture_on_commit_callbacks):
    alice = member(org, name="Alice")
    ContentItemFactory(organization=org, title="Launch day")
    award = _award(org, admin, alice)
    assert _send(org, django_capture_on_commit_callbacks) == 2  # alice and the admin: new content for both
    (message,) = _mail_to(alice)
    assert "A new badge for you" in message.body
    assert "* 🚀 First share — Shared something for the first time." in message.body
    assert f"/recognition/members/{alice.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "<li>🚀 First share — Shared something for the first time.</li>" in html
    assert "Launch day" in message.body  # the content part is still there
    (admins,) = _mail_to(admin)
    assert "badge" not in admins.body  # the admin earned none
    with organization_scope(org):
        award.refresh_from_db()
        assert award.digest_announced_at is not None

    # the next week's digest has new content again, but the badge is not announced a second time
    mail.outbox.clear()
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    assert _send(org, django_capture_on_commit_callbacks, today=next_week) == 2
    (message,) = _mail_to(alice)
    assert "First share" not in message.body and "First share" not in message.alternatives[0][0]


def test_a_badge_alone_sends_the_digest_and_a_rerun_sends_nothing(org, admin, django_capture_on_commit_callbacks):
    alice = member(org, name="Alice")
    bob = member(org, name="Bob")
    _award(org, admin, alice, key="first-share")
    _award(org, admin, alice, key="shares-10", note="Busy week")
    assert _send(org, django_capture_on_commit_callbacks) == 1  # no new content: only alice has news
    (message,) = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == f"{org.name}: your week"
    assert "New badges for you" in message.body
    assert message.body.index("First share") < message.body.index("Ten shares")  # oldest first
    assert "ready for you to share" not in message.body
    assert not _mail_to(bob)
    assert _send(org, django_capture_on_commit_callbacks) == 0  # the task running twice sends nothing more
    assert len(mail.outbox) == 1


def test_names_are_escaped_in_html_and_plain_in_text(org, admin, django_capture_on_commit_callbacks):
    alice = member(org, name="Alice")
    with organization_scope(org):
        badge = services.badge_create(
            organization=org,
            actor=admin,
            name="<b>Star</b>",
            description="Did <i>great</i>",
            rule=Badge.Rule.SHARES,
            threshold=3,
        )
        services.badge_award_by_hand(organization=org, actor=admin, badge=badge, user=alice, note="Yes")
    assert _send(org, django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert "<b>Star</b> — Did <i>great</i>" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Star&lt;/b&gt; — Did &lt;i&gt;great&lt;/i&gt;" in html and "<b>Star</b>" not in html


def test_old_switched_off_opted_out_and_other_orgs_awards_are_left_out(
    org, other_org, admin, other_admin, django_capture_on_commit_callbacks
):
    old = member(org, name="Old")
    off = member(org, name="Off")
    quiet = member(org, name="Quiet")
    _award(org, admin, old)
    with organization_scope(org):
        BadgeAward.objects.filter(user=old).update(awarded_at=timezone.now() - datetime.timedelta(weeks=5))
    _award(org, admin, off, key="clicks-100")
    with organization_scope(org):
        Badge.objects.filter(key="clicks-100").update(is_active=False)
    quiet_award = _award(org, admin, quiet, key="shares-10")
    with organization_scope(org):
        content_services.preference_update(organization=org, actor=quiet, weekly_digest=False)
    outsider = member(other_org, name="Outsider")
    _award(other_org, other_admin, outsider)

    assert _send(org, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    with organization_scope(org):
        quiet_award.refresh_from_db()
        assert quiet_award.digest_announced_at is None  # no digest sent to them, so not announced
    assert _send(other_org, django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [outsider.email] and "First share" in message.body
