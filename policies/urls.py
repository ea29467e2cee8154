from django.urls import path

from . import views

urlpatterns = [
    path("", views.policy_list, name="policies_list"),
    path("new/", views.policy_create, name="policies_create"),
    path("settings/", views.policy_settings, name="policies_settings"),
    path("questions/", views.question_inbox, name="policies_questions"),
    path("questions/followup/", views.followup, name="policies_followup"),
    path("questions/<int:question_id>/answer/", views.question_answer, name="policies_question_answer"),
    path("questions/<int:question_id>/faq/", views.question_faq, name="policies_question_faq"),
    path("my-questions/", views.my_questions, name="policies_my_questions"),
    path("<int:policy_id>/", views.policy_detail, name="policies_detail"),
    path("<int:policy_id>/manage/", views.policy_manage, name="policies_manage"),
    path("<int:policy_id>/reviewed/", views.policy_mark_reviewed, name="policies_mark_reviewed"),
    path("<int:policy_id>/edit/", views.policy_edit, name="policies_edit"),
    path("<int:policy_id>/archive/", views.policy_archive, name="policies_archive"),
    path("<int:policy_id>/compare/", views.compare, name="policies_compare"),
    path("<int:policy_id>/questions/", views.ask, name="policies_ask"),
    path("<int:policy_id>/draft/", views.draft_edit, name="policies_draft"),
    path("<int:policy_id>/draft/new/", views.draft_new, name="policies_draft_new"),
    path("<int:policy_id>/draft/read/", views.draft_read, name="policies_draft_read"),
    path("<int:policy_id>/draft/preview/", views.draft_preview, name="policies_preview"),
    path("<int:policy_id>/draft/submit/", views.draft_submit, name="policies_submit"),
    path("<int:policy_id>/draft/review/", views.draft_review, name="policies_review"),
    path("<int:policy_id>/draft/publish/", views.draft_publish, name="policies_publish"),
    path("<int:policy_id>/versions/<int:version_id>/", views.version_detail, name="policies_version"),
    path("<int:policy_id>/versions/<int:version_id>/acknowledge/", views.acknowledge, name="policies_acknowledge"),
    path("<int:policy_id>/versions/<int:version_id>/report/", views.report, name="policies_report"),
    path("<int:policy_id>/versions/<int:version_id>/report/teams/", views.report_teams, name="policies_report_teams"),
    path("<int:policy_id>/versions/<int:version_id>/report.csv", views.report_csv, name="policies_report_csv"),
    path("<int:policy_id>/versions/<int:version_id>/remind/", views.remind_team, name="policies_remind"),
]
