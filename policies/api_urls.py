from django.urls import path

from .api import PolicyViewSet, ReviewViewSet, VersionViewSet
from .training_api import (
    CheckInViewSet,
    CourseAssignmentViewSet,
    CourseViewSet,
    FeedbackRoundViewSet,
    MyAssignmentViewSet,
    MyCompletionViewSet,
    WorkshopViewSet,
)

urlpatterns = [
    # training (issue #15)
    path("training/courses/", CourseViewSet.as_view({"get": "list"}), name="policies-api-course-list"),
    path(
        "training/courses/<int:course_id>/",
        CourseViewSet.as_view({"get": "retrieve"}),
        name="policies-api-course-detail",
    ),
    path(
        "training/courses/<int:course_id>/assign/",
        CourseViewSet.as_view({"post": "assign"}),
        name="policies-api-course-assign",
    ),
    path(
        "training/courses/<int:course_id>/report/",
        CourseViewSet.as_view({"get": "report"}),
        name="policies-api-course-report",
    ),
    path(
        "training/courses/<int:course_id>/lessons/<int:lesson_index>/complete/",
        CourseViewSet.as_view({"post": "complete_lesson"}),
        name="policies-api-course-lesson-complete",
    ),
    path(
        "training/courses/<int:course_id>/quiz/",
        CourseViewSet.as_view({"post": "quiz"}),
        name="policies-api-course-quiz",
    ),
    path(
        "training/courses/<int:course_id>/assignments/",
        CourseAssignmentViewSet.as_view({"get": "list"}),
        name="policies-api-course-assignments",
    ),
    path("training/assignments/", MyAssignmentViewSet.as_view({"get": "list"}), name="policies-api-my-assignments"),
    path("training/completions/", MyCompletionViewSet.as_view({"get": "list"}), name="policies-api-my-completions"),
    path("training/workshops/", WorkshopViewSet.as_view({"get": "list"}), name="policies-api-workshop-list"),
    path(
        "training/workshops/<int:workshop_id>/",
        WorkshopViewSet.as_view({"get": "retrieve"}),
        name="policies-api-workshop-detail",
    ),
    path(
        "training/workshops/<int:workshop_id>/register/",
        WorkshopViewSet.as_view({"post": "register"}),
        name="policies-api-workshop-register",
    ),
    path(
        "training/workshops/<int:workshop_id>/unregister/",
        WorkshopViewSet.as_view({"post": "unregister"}),
        name="policies-api-workshop-unregister",
    ),
    path(
        "training/workshops/<int:workshop_id>/calendar.ics",
        WorkshopViewSet.as_view({"get": "ics"}),
        name="policies-api-workshop-ics",
    ),
    path("training/check-ins/", CheckInViewSet.as_view({"get": "list"}), name="policies-api-checkin-list"),
    path(
        "training/check-ins/<int:checkin_id>/",
        CheckInViewSet.as_view({"get": "retrieve"}),
        name="policies-api-checkin-detail",
    ),
    path(
        "training/check-ins/<int:checkin_id>/answer/",
        CheckInViewSet.as_view({"post": "answer"}),
        name="policies-api-checkin-answer",
    ),
    path(
        "training/check-ins/<int:checkin_id>/summary/",
        CheckInViewSet.as_view({"get": "summary"}),
        name="policies-api-checkin-summary",
    ),
    path(
        "<int:policy_id>/feedback-rounds/",
        FeedbackRoundViewSet.as_view({"get": "list"}),
        name="policies-api-round-list",
    ),
    path(
        "<int:policy_id>/feedback-rounds/<int:round_id>/",
        FeedbackRoundViewSet.as_view({"get": "retrieve"}),
        name="policies-api-round-detail",
    ),
    path(
        "<int:policy_id>/feedback-rounds/<int:round_id>/answer/",
        FeedbackRoundViewSet.as_view({"post": "answer"}),
        name="policies-api-round-answer",
    ),
    path(
        "<int:policy_id>/feedback-rounds/<int:round_id>/summary/",
        FeedbackRoundViewSet.as_view({"get": "summary"}),
        name="policies-api-round-summary",
    ),
    path("", PolicyViewSet.as_view({"get": "list"}), name="policies-api-policy-list"),
    path("<int:policy_id>/", PolicyViewSet.as_view({"get": "retrieve"}), name="policies-api-policy-detail"),
    path("<int:policy_id>/reviews/", ReviewViewSet.as_view({"get": "list"}), name="policies-api-review-list"),
    path(
        "<int:policy_id>/reviews/<int:review_id>/",
        ReviewViewSet.as_view({"get": "retrieve"}),
        name="policies-api-review-detail",
    ),
    path("<int:policy_id>/versions/", VersionViewSet.as_view({"get": "list"}), name="policies-api-version-list"),
    path(
        "<int:policy_id>/versions/<int:version_id>/",
        VersionViewSet.as_view({"get": "retrieve"}),
        name="policies-api-version-detail",
    ),
    path(
        "<int:policy_id>/versions/<int:version_id>/acknowledge/",
        VersionViewSet.as_view({"post": "acknowledge"}),
        name="policies-api-version-acknowledge",
    ),
    path(
        "<int:policy_id>/versions/<int:version_id>/publish/",
        VersionViewSet.as_view({"post": "publish"}),
        name="policies-api-version-publish",
    ),
    path(
        "<int:policy_id>/versions/<int:version_id>/report/",
        VersionViewSet.as_view({"get": "report"}),
        name="policies-api-version-report",
    ),
]
