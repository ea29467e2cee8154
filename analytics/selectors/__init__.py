"""Every read of analytics: the dashboard (figures, series, breakdowns), compliance, My impact. Callers import
from here: `from analytics import selectors`."""

from .compliance import acknowledgements, training
from .dashboard import HEADLINES, change, dashboard, headline, headlines, home_headline
from .figures import analytics_settings, emv
from .impact import impact, standing
from .moderation import moderation, moderation_totals
from .periods import DEFAULT_PERIOD, PERIODS, Filters, default_filters, period_dates
from .zone import local_today, organization_zone

__all__ = [
    "DEFAULT_PERIOD",
    "HEADLINES",
    "PERIODS",
    "Filters",
    "acknowledgements",
    "analytics_settings",
    "change",
    "dashboard",
    "default_filters",
    "emv",
    "headline",
    "headlines",
    "home_headline",
    "impact",
    "local_today",
    "moderation",
    "moderation_totals",
    "organization_zone",
    "period_dates",
    "standing",
    "training",
]
