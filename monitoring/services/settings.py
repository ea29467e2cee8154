"""The organization's monitoring settings (admins): brand terms, designated hashtags, competitors, disclosure
tags, lexicon adjustments, LinkedIn and X API credentials (encrypted, never shown again). A changed lexicon
bumps its version and queues the rescoring task (batches, not one task per post)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core import secrets
from advocacy.tenancy.jobs import enqueue
from monitoring.intake.sentiment import VALENCE_RANGE
from monitoring.models import MonitoringSettings

MAX_TERMS = 100
MAX_LEXICON = 500
_TAG = re.compile(r"^\w+$")
_WORD = re.compile(r"^[^\s]{1,60}$")
LIST_FIELDS = ("brand_terms", "hashtags", "competitors", "disclosure_tags")
CREDENTIALS = ("linkedin_credentials", "x_credentials")


def _terms(values, *, tags: bool) -> tuple[list[str], list[str]]:
    """Cleaned, de-duplicated terms (hashtags without "#"), and the ones that are not acceptable."""
    clean, bad = [], []
    for value in values or []:
        term = " ".join(str(value).split())
        if tags:
            term = term.lstrip("#")
        if not term:
            continue
        if len(term) > 100 or (tags and not _TAG.match(term)):
            bad.append(str(value))
        elif term.lower() not in {t.lower() for t in clean}:
            clean.append(term)
    return clean, bad


def _lexicon(values: dict) -> tuple[dict[str, float], list[str]]:
    low, high = VALENCE_RANGE
    clean, bad = {}, []
    for word, valence in (values or {}).items():
        word = str(word).strip().lower()
        try:
            number = float(valence)
        except (TypeError, ValueError):
            bad.append(word)
            continue
        if not _WORD.match(word) or not low <= number <= high:
            bad.append(word)
        else:
            clean[word] = number
    return clean, bad


def _list_errors(data: dict, clean: dict) -> dict[str, list[str]]:
    errors = {}
    for field in LIST_FIELDS:
        if field not in data:
            continue
        values, bad = _terms(data[field], tags=field in ("hashtags", "disclosure_tags"))
        if bad:
            errors[field] = [
                _("Not accepted (hashtags: letters, digits and _ only): %(terms)s.") % {"terms": ", ".join(bad)}
            ]
        elif len(values) > MAX_TERMS:
            errors[field] = [_("Keep this list to %(max)s entries.") % {"max": MAX_TERMS}]
        clean[field] = values
    return errors


def _number_errors(data: dict, clean: dict) -> dict[str, list[str]]:
    errors = {}
    for field, low, high in (("sample_percent", 0, 100), ("virality_threshold", 1, 10_000_000)):
        if field not in data:
            continue
        value = data[field]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[field] = [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        else:
            clean[field] = value
    return errors


def settings_errors(data: dict) -> tuple[dict, dict[str, list[str]]]:
    """(cleaned values, every problem by field)."""
    clean: dict = {}
    errors = {**_list_errors(data, clean), **_number_errors(data, clean)}
    if "lexicon" in data:
        lexicon, bad = _lexicon(data["lexicon"])
        low, high = VALENCE_RANGE
        if bad:
            errors["lexicon"] = [
                _("Each line is one word and a number from %(low)s to %(high)s; check: %(words)s.")
                % {"low": int(low), "high": int(high), "words": ", ".join(bad)}
            ]
        elif len(lexicon) > MAX_LEXICON:
            errors["lexicon"] = [_("Keep the lexicon to %(max)s words.") % {"max": MAX_LEXICON}]
        clean["lexicon"] = lexicon
    for field in CREDENTIALS:
        if data.get(field) is not None:
            clean[field] = str(data[field]).strip()
    return clean, errors


def monitoring_settings_update(*, organization, actor, data: dict) -> MonitoringSettings:
    """Change the settings named in `data` (the others keep their value). Credentials: a new value replaces
    the stored one, "" removes it, absent (None) keeps it. ValidationError with every problem by field."""
    clean, errors = settings_errors(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        MonitoringSettings.objects.bulk_create([MonitoringSettings(organization=organization)], ignore_conflicts=True)
        row = MonitoringSettings.objects.select_for_update().get(organization=organization)
        before = {
            field: getattr(row, field) for field in (*LIST_FIELDS, "lexicon", "sample_percent", "virality_threshold")
        }
        for field, value in clean.items():
            if field in CREDENTIALS:
                setattr(row, f"{field}_encrypted", secrets.encrypt(value))
            else:
                setattr(row, field, value)
        lexicon_changed = "lexicon" in clean and clean["lexicon"] != before["lexicon"]
        row.save()
        if lexicon_changed:
            MonitoringSettings.objects.filter(pk=row.pk).update(lexicon_version=F("lexicon_version") + 1)
            row.refresh_from_db()
            enqueue("monitoring.intake_tasks.rescore", organization)
        after = {field: getattr(row, field) for field in before}
        audit_record(
            organization=organization,
            actor=actor,
            action="monitoring.settings_changed",
            data={
                "before": before,
                "after": after,
                "credentials_changed": sorted(f for f in CREDENTIALS if f in clean),  # never the values
            },
        )
    return row
