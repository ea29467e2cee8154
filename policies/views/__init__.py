"""Pages under /o/<slug>/policies/: reading and acknowledging (everyone), authoring, review, publishing,
comparing, tracking and reminders (HR), questions and the FAQ. One module per part; policies/urls.py
names the views through this package."""

from .authoring import (
    draft_edit,
    draft_new,
    draft_preview,
    draft_publish,
    draft_read,
    draft_review,
    draft_submit,
    policy_archive,
    policy_create,
    policy_edit,
    policy_manage,
)
from .feedback import feedback_answer, feedback_round_open
from .questions import ask, followup, my_questions, question_answer, question_faq, question_inbox
from .reading import acknowledge, compare, policy_detail, policy_list, version_detail
from .reports import remind_team, report, report_csv, report_teams
from .reviews import policy_mark_reviewed
from .settings import policy_settings

__all__ = [
    "acknowledge",
    "ask",
    "compare",
    "draft_edit",
    "draft_new",
    "draft_preview",
    "draft_read",
    "draft_publish",
    "draft_review",
    "draft_submit",
    "feedback_answer",
    "feedback_round_open",
    "followup",
    "my_questions",
    "policy_archive",
    "policy_create",
    "policy_detail",
    "policy_edit",
    "policy_list",
    "policy_manage",
    "policy_mark_reviewed",
    "policy_settings",
    "question_answer",
    "question_faq",
    "question_inbox",
    "remind_team",
    "report",
    "report_csv",
    "report_teams",
    "version_detail",
]
