"""Every write of the review queue (see the modules for the rules each keeps)."""

from .appeals import appeal_decide, appeal_submit
from .common import ItemChanged, settings_for
from .decisions import ConsequenceInput, consequences_expire, decisions_mark_seen, item_decide
from .intake import items_from_engagement, items_from_posts, tasks_check
from .items import Spec, Target, signals_apply
from .reports import report_submit
from .settings import review_settings_update
from .workflow import item_assign, item_claim, item_escalate, item_note, item_release, moderators

__all__ = [
    "ConsequenceInput",
    "ItemChanged",
    "Spec",
    "Target",
    "appeal_decide",
    "appeal_submit",
    "consequences_expire",
    "decisions_mark_seen",
    "item_assign",
    "item_claim",
    "item_decide",
    "item_escalate",
    "item_note",
    "item_release",
    "items_from_engagement",
    "items_from_posts",
    "moderators",
    "report_submit",
    "review_settings_update",
    "settings_for",
    "signals_apply",
    "tasks_check",
]
