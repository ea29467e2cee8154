"""Demo data for analytics: the rollups of what the other apps' demo data recorded (content_library's includes
three months of sharing history), so the dashboard, the compliance page and My impact show figures from the
first sign-in, the admin's prices for earned media value, and the admin's weekly summary. Idempotent (the rollups are
recomputed, the rest get_or_create)."""

import datetime

from .models import AnalyticsSettings, SummarySubscription
from .scale import HISTORY_DAYS
from .selectors.zone import local_today, organization_zone
from .services import rollup_days


def seed(demo):
    organization = demo.organization
    AnalyticsSettings.objects.get_or_create(
        organization=organization, defaults={"cpm": 12, "cpc": "1.50", "currency": "USD"}
    )
    admin = demo.people.get("admin")
    if admin is not None:
        SummarySubscription.objects.get_or_create(organization=organization, user=admin)
    today = local_today(organization_zone(organization))
    rollup_days(organization=organization, days=[today - datetime.timedelta(days=n) for n in range(HISTORY_DAYS)])
