"""The analytics settings (CPM, CPC, currency), the weekly summary subscription, the audit of exports."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from advocacy.audit.services import audit_record

from ..models import AnalyticsSettings, SummarySubscription


@transaction.atomic
def analytics_settings_update(*, organization, actor, cpm: Decimal, cpc: Decimal, currency: str) -> AnalyticsSettings:
    errors = {}
    if cpm is None or cpm < 0:
        errors["cpm"] = "Enter zero or more."
    if cpc is None or cpc < 0:
        errors["cpc"] = "Enter zero or more."
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = "Enter a three-letter currency code, e.g. USD."
    if errors:
        raise ValidationError(errors)
    row, _ = AnalyticsSettings.objects.select_for_update().get_or_create(organization=organization)
    before = {"cpm": str(row.cpm), "cpc": str(row.cpc), "currency": row.currency}
    row.cpm, row.cpc, row.currency = cpm, cpc, currency
    row.save()
    after = {"cpm": str(cpm), "cpc": str(cpc), "currency": currency}
    audit_record(
        organization=organization,
        actor=actor,
        action="analytics.settings_changed",
        target=row,
        data={"before": before, "after": after},
    )
    return row


def _admin(organization, user) -> None:
    from advocacy.tenancy.models import Membership

    membership = Membership.objects.filter(organization=organization, user=user, is_active=True).first()
    if membership is None or not membership.may("analytics.view"):
        raise PermissionDenied("Only those who see the dashboard may receive its summary.")


@transaction.atomic
def summary_subscribe(*, organization, actor) -> SummarySubscription:
    _admin(organization, actor)
    SummarySubscription.objects.bulk_create(
        [SummarySubscription(organization=organization, user=actor)], ignore_conflicts=True
    )
    return SummarySubscription.objects.get(organization=organization, user=actor)


@transaction.atomic
def summary_unsubscribe(*, organization, actor) -> int:
    deleted, _ = SummarySubscription.objects.filter(organization=organization, user=actor).delete()
    return deleted


def export_record(*, organization, actor, what: str, filters: dict):
    """The audit record of an export (in the request's transaction)."""
    return audit_record(
        organization=organization, actor=actor, action="analytics.exported", data={"what": what, "filters": filters}
    )
