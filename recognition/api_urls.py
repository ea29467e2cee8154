from django.urls import path

from .api import BadgeViewSet, BoardViewSet, KudosViewSet, RedemptionViewSet, RewardViewSet, StoryViewSet

urlpatterns = [
    path("board/", BoardViewSet.as_view({"get": "board"}), name="recognition-api-board"),
    path("me/", BoardViewSet.as_view({"get": "me"}), name="recognition-api-me"),
    path("badges/", BadgeViewSet.as_view({"get": "list"}), name="recognition-api-badges"),
    path("kudos/", KudosViewSet.as_view({"get": "list", "post": "create"}), name="recognition-api-kudos"),
    path("rewards/", RewardViewSet.as_view({"get": "list"}), name="recognition-api-rewards"),
    path(
        "rewards/<int:reward_id>/request/",
        RewardViewSet.as_view({"post": "request_reward"}),
        name="recognition-api-reward-request",
    ),
    path("redemptions/", RedemptionViewSet.as_view({"get": "list"}), name="recognition-api-redemptions"),
    path(
        "redemptions/<int:redemption_id>/approve/",
        RedemptionViewSet.as_view({"post": "approve"}),
        name="recognition-api-redemption-approve",
    ),
    path(
        "redemptions/<int:redemption_id>/decline/",
        RedemptionViewSet.as_view({"post": "decline"}),
        name="recognition-api-redemption-decline",
    ),
    path("stories/", StoryViewSet.as_view({"get": "list", "post": "create"}), name="recognition-api-stories"),
]
