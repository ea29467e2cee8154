"""The organization's queue settings: service levels per priority, the claim timeout, the rule precision
threshold and the named legal contact (admins)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record

from ..models import ReviewSettings

HOURS = ("critical_hours", "high_hours", "medium_hours", "low_hours")


def _errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in HOURS:
        value = data.get(name)
        if not isinstance(value, int) or not 1 <= value <= 720:
            errors[name] = [_("Enter a number of hours from 1 to 720.")]
    if not errors and not data["critical_hours"] <= data["high_hours"] <= data["medium_hours"] <= data["low_hours"]:
        errors["critical_hours"] = [_("A more urgent priority needs a shorter (or equal) service level.")]
    if not isinstance(data.get("claim_minutes"), int) or not 5 <= data["claim_minutes"] <= 1440:
        errors["claim_minutes"] = [_("Enter 5 to 1440 minutes.")]
    if not isinstance(data.get("precision_threshold"), int) or not 0 <= data["precision_threshold"] <= 100:
        errors["precision_threshold"] = [_("Enter a percentage from 0 to 100.")]
    email = data.get("legal_contact_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["legal_contact_email"] = [_("Enter a valid email address.")]
        if not data.get("legal_contact_name", "").strip():
            errors["legal_contact_name"] = [_("Name the legal contact.")]
    return errors


@transaction.atomic
def review_settings_update(*, organization, actor, data: dict) -> ReviewSettings:
    errors = _errors(data)
    if errors:
        raise ValidationError(errors)
    row, _created = ReviewSettings.objects.get_or_create(organization=organization)
    for name in (*HOURS, "claim_minutes", "precision_threshold"):
        setattr(row, name, data[name])
    row.legal_contact_name = data.get("legal_contact_name", "").strip()
    row.legal_contact_email = data.get("legal_contact_email", "").strip()
    row.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="review.settings_updated",
        target=row,
        data={k: data.get(k) for k in (*HOURS, "claim_minutes", "precision_threshold")},
    )
    return row
