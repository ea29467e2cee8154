"""API under /api/v1/o/<slug>/monitoring/: review items (list with the queue's filters, detail, claim, decide),
decisions, employees' reports (a member's own), and appeals. Same services, selectors and permission actions as
the pages. A second moderator deciding gets 409 with who decided first."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet

from . import selectors, services
from . import serializers as s
from .models import Appeal, Decision, Report, ReviewItem


def _conflict(exc) -> Response:
    body = {"error": {"code": "conflict", "message": " ".join(exc.messages), "details": {}}}
    return Response(body, status=status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(summary="Review items, most urgent first", parameters=[s.ItemFilterSerializer]),
    retrieve=extend_schema(summary="One review item with its signals and snapshot"),
)
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    model = ReviewItem
    serializer_class = s.ItemSerializer
    filter_serializer_class = s.ItemFilterSerializer
    lookup_url_kwarg = "item_id"
    required_actions = {
        "list": "monitoring.queue",
        "retrieve": "monitoring.queue",
        "claim": "monitoring.triage",
        "decide": "monitoring.decide",
    }

    def get_serializer_class(self):
        return s.ItemDetailSerializer if self.action == "retrieve" else s.ItemSerializer

    def scoped_queryset(self):
        if self.action == "list":
            params = {k: str(v) for k, v in self.list_filters().items()}
            filters = selectors.queue_filters(params, organization=self.organization)
            return selectors.queue_list(organization=self.organization, filters=filters, user=self.request.user).defer(
                None
            )
        return ReviewItem.objects.filter(organization=self.organization).prefetch_related("signals")

    @extend_schema(summary="Claim the item", request=s.ClaimInputSerializer, responses={200: s.ItemSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request, *args, **kwargs):
        item = self.get_object()  # 404 for someone else's item before the body is read
        data = s.ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = services.item_claim(
                organization=self.organization,
                actor=request.user,
                item=item,
                version=data.validated_data["version"],
            )
        except services.ItemChanged as exc:
            return _conflict(exc)
        return Response(s.ItemSerializer(item).data)

    @extend_schema(summary="Decide the item", request=s.DecideInputSerializer, responses={201: s.DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        item = self.get_object()  # 404 for someone else's item before the body is read
        data = s.DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            decision = services.item_decide(
                organization=self.organization,
                actor=request.user,
                item=item,
                version=values["version"],
                outcome=values["outcome"],
                reasons=values["reasons"],
                policy_id=values["policy_id"],
                policy_section=values["policy_section"],
                consequences=[services.ConsequenceInput(**c) for c in values["consequences"]],
            )
        except services.ItemChanged as exc:
            return _conflict(exc)
        return Response(s.DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Decisions, newest first"), retrieve=extend_schema(summary="One decision")
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    model = Decision
    serializer_class = s.DecisionSerializer
    lookup_url_kwarg = "decision_id"
    required_actions = {"list": "monitoring.queue", "retrieve": "monitoring.queue"}

    def scoped_queryset(self):
        return (
            Decision.objects.filter(organization=self.organization)
            .prefetch_related("consequences")
            .order_by("-decided_at", "-id")
        )


@extend_schema_view(
    list=extend_schema(summary="My reports and their outcome"),
    create=extend_schema(summary="Report a post", request=s.ReportInputSerializer, responses={201: s.ReportSerializer}),
)
class ReportViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, OrganizationViewSet):
    model = Report
    serializer_class = s.ReportSerializer
    required_actions = {"list": "monitoring.report", "create": "monitoring.report"}

    def scoped_queryset(self):
        return (
            Report.objects.filter(organization=self.organization, reporter=self.request.user)
            .select_related("item")
            .order_by("-created_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = s.ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_submit(organization=self.organization, actor=request.user, **data.validated_data)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Appeals (pending first)"),
    create=extend_schema(
        summary="Appeal a decision about me", request=s.AppealInputSerializer, responses={201: s.AppealSerializer}
    ),
)
class AppealViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, OrganizationViewSet):
    model = Appeal
    serializer_class = s.AppealSerializer
    lookup_url_kwarg = "appeal_id"
    required_actions = {"list": "monitoring.appeals", "create": "monitoring.record", "decide": "monitoring.appeals"}

    def scoped_queryset(self):
        return Appeal.objects.filter(organization=self.organization).order_by("state", "created_at", "id")

    def create(self, request, *args, **kwargs):
        data = s.AppealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = selectors.get_decision_for_org(self.organization, data.validated_data["decision_id"])
        appeal = services.appeal_submit(
            organization=self.organization, actor=request.user, decision=decision, text=data.validated_data["text"]
        )
        return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Uphold or overturn", request=s.AppealDecideInputSerializer, responses={200: s.AppealSerializer}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        appeal = self.get_object()  # 404 for someone else's appeal before the body is read
        data = s.AppealDecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.appeal_decide(
            organization=self.organization, actor=request.user, appeal=appeal, **data.validated_data
        )
        return Response(s.AppealSerializer(appeal).data)
