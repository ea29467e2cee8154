"""Every write of analytics: the rollups (rollups.py), the settings, the weekly summary subscription, and the
audit record of an export."""

from .rollups import rollup_days, rollup_range, rollup_refresh, rollup_span
from .settings import analytics_settings_update, export_record, summary_subscribe, summary_unsubscribe

__all__ = [
    "analytics_settings_update",
    "export_record",
    "rollup_days",
    "rollup_range",
    "rollup_refresh",
    "rollup_span",
    "summary_subscribe",
    "summary_unsubscribe",
]
