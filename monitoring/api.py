"""API under /api/v1/o/<slug>/monitoring/: members' posts and brand mentions (read-only), the rules (written
by those allowed to edit them) and the rules' test box. Same services, selectors and permissions as the
pages; no token or credential is ever returned."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet

from . import selectors
from . import serializers as s
from .models import Mention, Post, Rule
from .services import rules as rule_services


@extend_schema_view(
    list=extend_schema(summary="Members' posts", parameters=[s.PostFilterSerializer]),
    retrieve=extend_schema(summary="One member's post"),
)
class PostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Members' posts with engagement, sentiment and matches, newest first (moderators and admins)."""

    model = Post
    serializer_class = s.PostSerializer
    filter_serializer_class = s.PostFilterSerializer
    lookup_url_kwarg = "post_id"
    required_actions = {"list": "monitoring.view", "retrieve": "monitoring.view"}

    def scoped_queryset(self):
        filters = self.list_filters() if self.action == "list" else {"period": "all"}
        return selectors.post_list(organization=self.organization, **filters)


@extend_schema_view(
    list=extend_schema(summary="Brand mentions", parameters=[s.MentionFilterSerializer]),
    retrieve=extend_schema(summary="One brand mention"),
)
class MentionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    model = Mention
    serializer_class = s.MentionSerializer
    filter_serializer_class = s.MentionFilterSerializer
    lookup_url_kwarg = "mention_id"
    required_actions = {"list": "monitoring.view", "retrieve": "monitoring.view"}

    def scoped_queryset(self):
        filters = self.list_filters() if self.action == "list" else {"period": "all"}
        return selectors.mention_list(organization=self.organization, **filters)


@extend_schema_view(
    list=extend_schema(summary="Rules"),
    retrieve=extend_schema(summary="One rule"),
    create=extend_schema(summary="Create a rule", request=s.RuleInputSerializer, responses={201: s.RuleSerializer}),
    partial_update=extend_schema(summary="Change a rule", request=s.RuleInputSerializer),
    destroy=extend_schema(summary="Delete a rule and its matches"),
)
class RuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    OrganizationViewSet,
):
    model = Rule
    serializer_class = s.RuleSerializer
    lookup_url_kwarg = "rule_id"
    required_actions = {
        "list": "monitoring.view",
        "retrieve": "monitoring.view",
        "create": "monitoring.rules",
        "partial_update": "monitoring.rules",
        "destroy": "monitoring.rules",
        "test": "monitoring.view",
    }

    def scoped_queryset(self):
        return selectors.rule_list(organization=self.organization)

    def _input(self, request) -> dict:
        data = s.RuleInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def create(self, request, *args, **kwargs):
        rule = rule_services.rule_create(organization=self.organization, actor=request.user, data=self._input(request))
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        rule = rule_services.rule_update(
            organization=self.organization, actor=request.user, rule=self.get_object(), data=self._input(request)
        )
        return Response(self.get_serializer(rule).data)

    def destroy(self, request, *args, **kwargs):
        rule_services.rule_delete(organization=self.organization, actor=request.user, rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="What a text would match (every enabled rule; nothing is stored)",
        request=s.RuleTestInputSerializer,
        responses={200: s.RuleTestOutputSerializer},
    )
    @action(detail=False, methods=["post"])
    def test(self, request, *args, **kwargs):
        data = s.RuleTestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = request.build_absolute_uri("/") if data.validated_data["shares_content"] else ""
        result = rule_services.rule_test(
            organization=self.organization, text=data.validated_data["text"], employer_link=link
        )
        evaluation = result.evaluation
        body = {
            "language": evaluation.language,
            "sentiment_state": evaluation.state,
            "compound": evaluation.scores.compound if evaluation.scores else None,
            "matches": evaluation.checked.matches,
            "held_back": evaluation.checked.held_back,
        }
        return Response(s.RuleTestOutputSerializer(body).data)
