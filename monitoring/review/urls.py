"""Pages under /o/<slug>/monitoring/ (the monitoring app mounts its own pages under the same prefix)."""

from django.urls import path

from .views import manage, member, queue

urlpatterns = [
    path("queue/", queue.queue, name="review_queue"),
    path("queue/appeals/", manage.appeals, name="review_appeals"),
    path("queue/appeals/<int:appeal_id>/decide/", manage.appeal_decide, name="review_appeal_decide"),
    path("queue/precision/", manage.precision, name="review_precision"),
    path("queue/settings/", manage.queue_settings, name="review_settings"),
    path("queue/<int:item_id>/", queue.item_page, name="review_item"),
    path("queue/<int:item_id>/claim/", queue.item_claim, name="review_item_claim"),
    path("queue/<int:item_id>/release/", queue.item_release, name="review_item_release"),
    path("queue/<int:item_id>/assign/", queue.item_assign, name="review_item_assign"),
    path("queue/<int:item_id>/escalate/", queue.item_escalate, name="review_item_escalate"),
    path("queue/<int:item_id>/note/", queue.item_note, name="review_item_note"),
    path("queue/<int:item_id>/decide/", queue.item_decide, name="review_item_decide"),
    path("report/", member.report, name="review_report"),
    path("my-record/", member.my_record, name="review_my_record"),
    path("my-record/<int:decision_id>/appeal/", member.appeal, name="review_appeal"),
]
