"""API under /api/v1/o/<slug>/recognition/: the boards, the caller's points and badges, badges, the kudos
wall (and giving kudos), rewards (and requesting one), redemptions (the caller's; an admin's decisions) and
published stories (and submitting one). Same services, selectors and permissions as the pages."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet

from . import selectors, services
from .models import Badge, Kudos, Redemption, Reward, Story
from .serializers import (
    BoardFilterSerializer,
    DecisionInputSerializer,
    KudosInputSerializer,
    KudosSerializer,
    RecognitionBadgeSerializer,
    RecognitionBoardSerializer,
    RecognitionMeSerializer,
    RecognitionRewardSerializer,
    RecognitionStorySerializer,
    RedemptionSerializer,
    StoryInputSerializer,
)


class BoardViewSet(OrganizationViewSet):
    """The organization's board for a period (?period=week|month|quarter|all): the top ten, the people near
    the caller and the caller's own rank. 404 while the admin has the boards switched off."""

    model = Reward  # the schema needs a model; this endpoint reads the rollups through selectors
    required_actions = {"board": "recognition.view", "me": "recognition.view"}

    @extend_schema(parameters=[BoardFilterSerializer], responses={200: RecognitionBoardSerializer})
    @action(detail=False, methods=["get"])
    def board(self, request, *args, **kwargs):
        filters = BoardFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        if not selectors.recognition_settings(self.organization).leaderboards_enabled:
            raise Http404("The leaderboards are switched off.")
        board = selectors.leaderboard(
            organization=self.organization, viewer=request.user, period=filters.validated_data["period"]
        )
        return Response(RecognitionBoardSerializer(board).data)

    @extend_schema(responses={200: RecognitionMeSerializer})
    @action(detail=False, methods=["get"])
    def me(self, request, *args, **kwargs):
        data = {
            "points": selectors.own_points(organization=self.organization, user=request.user),
            "points_left": services.points_left(organization=self.organization, user=request.user),
            "badges": selectors.badges_of(organization=self.organization, user=request.user),
        }
        return Response(RecognitionMeSerializer(data).data)


class BadgeViewSet(mixins.ListModelMixin, OrganizationViewSet):
    model = Badge
    serializer_class = RecognitionBadgeSerializer
    required_actions = {"list": "recognition.view"}
    cursor_ordering = "pk"

    def scoped_queryset(self):
        services.badges_ensure_built_in(organization=self.organization)
        return Badge.objects.filter(is_active=True)


class KudosViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """The wall (visible kudos, newest first); POST gives kudos (a daily limit per giver)."""

    model = Kudos
    serializer_class = KudosSerializer
    required_actions = {"list": "recognition.view", "create": "recognition.participate"}
    cursor_ordering = ("-created_at", "-id")

    def scoped_queryset(self):
        return Kudos.objects.filter(hidden_at__isnull=True).select_related("giver", "receiver")

    @extend_schema(request=KudosInputSerializer, responses={201: KudosSerializer})
    def create(self, request, *args, **kwargs):
        data = KudosInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kudos = services.kudos_give(
            organization=self.organization,
            actor=request.user,
            receiver_id=data.validated_data["receiver"],
            message=data.validated_data["message"],
            share_id=data.validated_data.get("share"),
        )
        return Response(KudosSerializer(kudos).data, status=status.HTTP_201_CREATED)


class RewardViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """Rewards on offer; POST <id>/request/ asks for one with points left to spend."""

    model = Reward
    serializer_class = RecognitionRewardSerializer
    lookup_url_kwarg = "reward_id"
    required_actions = {"list": "recognition.view", "request_reward": "recognition.participate"}
    cursor_ordering = ("cost", "pk")

    def scoped_queryset(self):
        return Reward.objects.filter(is_active=True)

    @extend_schema(request=None, responses={201: RedemptionSerializer})
    @action(detail=True, methods=["post"], url_path="request")
    def request_reward(self, request, *args, **kwargs):
        reward = self.get_object()
        redemption = services.redemption_request(organization=self.organization, actor=request.user, reward=reward)
        return Response(RedemptionSerializer(redemption).data, status=status.HTTP_201_CREATED)


class RedemptionViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """The caller's requests; an admin sees everyone's and approves or declines (with a reason)."""

    model = Redemption
    serializer_class = RedemptionSerializer
    lookup_url_kwarg = "redemption_id"
    required_actions = {
        "list": "recognition.view",
        "approve": "recognition.manage",
        "decline": "recognition.manage",
    }
    cursor_ordering = ("-requested_at", "-id")

    def scoped_queryset(self):
        redemptions = Redemption.objects.select_related("reward", "user")
        if self.action == "list" and not self.membership.may("recognition.manage"):
            return redemptions.filter(user=self.request.user)
        return redemptions

    def _decide(self, request, decide):
        redemption = self.get_object()  # someone else's: 404 before the body is read
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = decide(
            organization=self.organization,
            actor=request.user,
            redemption=redemption,
            note=data.validated_data["note"],
        )
        return Response(RedemptionSerializer(redemption).data)

    @extend_schema(request=DecisionInputSerializer, responses={200: RedemptionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decide(request, services.redemption_approve)

    @extend_schema(request=DecisionInputSerializer, responses={200: RedemptionSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        return self._decide(request, services.redemption_decline)


class StoryViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """Published stories and milestones (the Wins page); POST submits a story for approval."""

    model = Story
    serializer_class = RecognitionStorySerializer
    required_actions = {"list": "recognition.view", "create": "recognition.participate"}
    cursor_ordering = ("-published_at", "-id")

    def scoped_queryset(self):
        return Story.objects.filter(status=Story.Status.APPROVED).select_related("author")

    @extend_schema(request=StoryInputSerializer, responses={201: RecognitionStorySerializer})
    def create(self, request, *args, **kwargs):
        data = StoryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        story = services.story_submit(
            organization=self.organization,
            actor=request.user,
            title=data.validated_data["title"],
            what_happened=data.validated_data["what_happened"],
            result=data.validated_data["result"],
            share_ids=data.validated_data["shares"],
        )
        return Response(RecognitionStorySerializer(story).data, status=status.HTTP_201_CREATED)
