"""API under /api/v1/o/<slug>/policies/: policies and versions (employees never see drafts), acknowledge
(with quiz answers), publish, the acknowledgement report, and a policy's recorded reviews (read-only). Same
services and selectors as the pages."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet
from advocacy.api.pagination import CursorPagination
from advocacy.api.schema import ErrorSerializer
from advocacy.api.serializers import FILTER_TEAM_MISSING, OrganizationTeamField

from . import selectors, services
from .models import Policy, PolicyReview, PolicyVersion
from .serializers import (
    AcknowledgeInputSerializer,
    AcknowledgeOutputSerializer,
    PolicyReviewSerializer,
    PolicySerializer,
    PublishInputSerializer,
    ReportPersonSerializer,
    TeamCountSerializer,
    VersionSerializer,
)


class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Policies. Members see the published ones in their audience with `acknowledged`; HR sees all."""

    model = Policy
    serializer_class = PolicySerializer
    lookup_url_kwarg = "policy_id"
    required_actions = {"list": "policies.view", "retrieve": "policies.view"}

    def scoped_queryset(self):
        if self.membership.may("policies.author"):
            return selectors.policy_list_for_staff(organization=self.organization, status="")
        return selectors.policy_list_for_member(organization=self.organization, user=self.request.user)


class PeoplePagination(CursorPagination):
    ordering = "pk"


class ReportFilterSerializer(serializers.Serializer):
    team = OrganizationTeamField(
        allow_null=False, help_text="People of this team.", error_messages={"null": FILTER_TEAM_MISSING}
    )
    status = serializers.ChoiceField(
        choices=["acknowledged", "pending", "overdue"], required=False, help_text="People in this state only."
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Part of a name or email.")


class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Versions of one policy. Drafts only for HR authors."""

    model = PolicyVersion
    serializer_class = VersionSerializer
    lookup_url_kwarg = "version_id"
    required_actions = {
        "list": "policies.view",
        "retrieve": "policies.view",
        "acknowledge": "policies.view",
        "publish": "policies.publish",
        "report": "policies.track",
    }

    def _policy(self):
        if not hasattr(self, "_policy_obj"):
            policy = selectors.get_policy_for_org(self.organization, self.kwargs["policy_id"])
            if policy.current_version_id is None and not self.membership.may("policies.author"):
                raise Http404
            self._policy_obj = policy
        return self._policy_obj

    def scoped_queryset(self):
        return selectors.version_list(
            organization=self.organization,
            policy=self._policy(),
            include_drafts=self.membership.may("policies.author"),
        ).select_related("policy")

    @extend_schema(
        request=AcknowledgeInputSerializer,
        responses={
            201: OpenApiResponse(AcknowledgeOutputSerializer, description="Acknowledged."),
            200: OpenApiResponse(
                AcknowledgeOutputSerializer, description="Not acknowledged: the quiz was failed (the attempt is kept)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        version = self.get_object()
        data = AcknowledgeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = data.validated_data.get("quiz_answers")
        result = services.acknowledge(
            organization=self.organization, actor=request.user, version=version, quiz_answers=answers
        )
        ack, attempt = result.acknowledgement, result.attempt
        body = {
            "acknowledged": result.ok,
            "message": result.message,
            "acknowledgement_id": ack.pk if ack else None,
            "acknowledged_at": ack.acknowledged_at if ack else None,
            "content_sha256": version.content_sha256,
            "quiz_score": attempt.score if attempt else None,
            "quiz_passed": attempt.passed if attempt else None,
        }
        return Response(
            AcknowledgeOutputSerializer(body).data, status=status.HTTP_201_CREATED if result.ok else status.HTTP_200_OK
        )

    @extend_schema(request=PublishInputSerializer, responses={200: VersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        version = self.get_object()
        data = PublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_publish(
            organization=self.organization,
            actor=request.user,
            version=version,
            change_kind=data.validated_data["change_kind"],
            due_on=data.validated_data.get("due_on"),
            review_due_on=data.validated_data.get("review_due_on"),
        )
        return Response(VersionSerializer(version).data)

    @extend_schema(
        parameters=[
            ReportFilterSerializer,
            OpenApiParameter("cursor", str, description="The pagination cursor value."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": PeoplePagination.max_page_size},
                description=f"People per page ({PeoplePagination.page_size} unless given).",
            ),
        ],
        responses={
            400: OpenApiResponse(ErrorSerializer, description="A bad filter, or a draft (drafts have no report)."),
            200: inline_serializer(
                "PolicyReport",
                {
                    "total": serializers.IntegerField(),
                    "acknowledged": serializers.IntegerField(),
                    "pending": serializers.IntegerField(),
                    "overdue": serializers.IntegerField(),
                    "percent": serializers.IntegerField(),
                    "teams": TeamCountSerializer(many=True),
                    "people": ReportPersonSerializer(many=True),
                    "next": serializers.URLField(allow_null=True, help_text="The next page of people, or null."),
                },
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def report(self, request, *args, **kwargs):
        version = self.get_object()
        if not version.is_frozen:
            raise ValidationError("Drafts have no acknowledgements.")
        filters = ReportFilterSerializer(data=request.query_params.dict(), context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        team = filters.validated_data.get("team")
        people = selectors.report_people(
            organization=self.organization,
            version=version,
            team_id=team.pk if team else None,
            status=filters.validated_data.get("status", ""),
            search=filters.validated_data.get("q", ""),
        )
        paginator = PeoplePagination()
        page = paginator.paginate_queryset(people, request, view=self)
        counts = selectors.report_counts(organization=self.organization, version=version)
        body = {k: counts[k] for k in ("total", "acknowledged", "pending", "overdue", "percent")}
        body["teams"] = TeamCountSerializer(counts["teams"], many=True).data
        body["people"] = ReportPersonSerializer(page, many=True).data
        body["next"] = paginator.get_next_link()
        return Response(body)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """The recorded periodic reviews of one policy, newest first: for those who see its management page (HR and
    admins). Read-only: a review is recorded on the page."""

    model = PolicyReview
    serializer_class = PolicyReviewSerializer
    lookup_url_kwarg = "review_id"
    required_actions = {"list": "policies.track", "retrieve": "policies.track"}

    def scoped_queryset(self):
        policy = selectors.get_policy_for_org(self.organization, self.kwargs["policy_id"])
        return selectors.policy_reviews(organization=self.organization, policy=policy)
