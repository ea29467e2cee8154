from django.urls import path

from .api import PolicyViewSet, ReviewViewSet, VersionViewSet

urlpatterns = [
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
