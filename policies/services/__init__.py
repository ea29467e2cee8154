"""Every write to policies: keyword-only, `organization` first, `actor` second, atomic, audited.

One module per entity (policies, versions, acknowledgements, questions, reminders, reviews, feedback);
`from policies import services; services.version_publish(...)` reaches them all."""

from ..markup import hash_code
from ..models import DEFAULT_REVIEW_MONTHS
from .acknowledgements import AckResult, acknowledge, report_export
from .checkins import (
    checkin_answer,
    checkin_create,
    checkin_stop,
    checkin_summary,
    open_checkins_for_member,
    parse_questions,
)
from .common import add_months, add_months_dt
from .courses import (
    assign_errors,
    content_errors,
    course_archive,
    course_assign,
    course_assign_group,
    course_create,
    course_draft,
    course_draft_save,
    course_errors,
    course_publish,
    course_require_for_sharing,
    course_update,
)
from .feedback import answer_errors, feedback_answer_save, feedback_round_open, round_errors
from .learning import QuizResult, course_complete, course_quiz_submit, lesson_complete
from .policies import policy_archive, policy_create, policy_restore, policy_settings_update, policy_update
from .questions import answers_mark_seen, question_answer, question_ask, question_set_faq
from .reminders import (
    reminder_request_for_team,
    reminder_send_to_team,
    reminders_at_publish,
    reminders_run,
    reminders_send_for_version,
)
from .reviews import policy_review_record, review_errors, review_reminders_run
from .training_jobs import training_remind_team, training_run
from .versions import (
    draft_review,
    draft_save,
    draft_start,
    draft_submit_for_review,
    is_draft_author,
    require_review,
    version_publish,
)
from .workshops import (
    workshop_attendance_record,
    workshop_cancel,
    workshop_create,
    workshop_register,
    workshop_unregister,
    workshop_update,
)

__all__ = [
    "checkin_answer",
    "checkin_create",
    "checkin_stop",
    "checkin_summary",
    "open_checkins_for_member",
    "parse_questions",
    "QuizResult",
    "course_complete",
    "course_quiz_submit",
    "lesson_complete",
    "training_remind_team",
    "training_run",
    "workshop_attendance_record",
    "workshop_cancel",
    "workshop_create",
    "workshop_register",
    "workshop_unregister",
    "workshop_update",
    "DEFAULT_REVIEW_MONTHS",
    "AckResult",
    "acknowledge",
    "add_months",
    "answer_errors",
    "assign_errors",
    "content_errors",
    "course_archive",
    "course_assign",
    "course_assign_group",
    "course_create",
    "course_draft",
    "course_draft_save",
    "course_errors",
    "course_publish",
    "course_require_for_sharing",
    "course_update",
    "add_months_dt",
    "answers_mark_seen",
    "draft_review",
    "draft_save",
    "draft_start",
    "feedback_answer_save",
    "feedback_round_open",
    "draft_submit_for_review",
    "hash_code",
    "is_draft_author",
    "policy_archive",
    "policy_create",
    "policy_restore",
    "policy_review_record",
    "policy_settings_update",
    "policy_update",
    "question_answer",
    "question_ask",
    "question_set_faq",
    "reminder_request_for_team",
    "reminder_send_to_team",
    "reminders_at_publish",
    "reminders_run",
    "round_errors",
    "reminders_send_for_version",
    "report_export",
    "require_review",
    "review_errors",
    "review_reminders_run",
    "version_publish",
]
