from django.urls import include, path

from .api import MentionViewSet, PostViewSet, RuleViewSet

urlpatterns = [
    path("posts/", PostViewSet.as_view({"get": "list"}), name="monitoring-api-post-list"),
    path("posts/<int:post_id>/", PostViewSet.as_view({"get": "retrieve"}), name="monitoring-api-post-detail"),
    path("mentions/", MentionViewSet.as_view({"get": "list"}), name="monitoring-api-mention-list"),
    path(
        "mentions/<int:mention_id>/", MentionViewSet.as_view({"get": "retrieve"}), name="monitoring-api-mention-detail"
    ),
    path("rules/", RuleViewSet.as_view({"get": "list", "post": "create"}), name="monitoring-api-rule-list"),
    path("rules/test/", RuleViewSet.as_view({"post": "test"}), name="monitoring-api-rule-test"),
    path(
        "rules/<int:rule_id>/",
        RuleViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="monitoring-api-rule-detail",
    ),
    path("", include("monitoring.accounts_api_urls")),  # the member's own connected accounts
]
