"""The API endpoints: parse, call a selector or a service, serialize. Rules live in
advocacy/tenancy/services.py; every org-scoped endpoint stands on OrganizationViewSet."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from advocacy.accounts.models import ApiToken
from advocacy.tenancy import services
from advocacy.tenancy.models import Invitation, Membership, Organization, Team
from advocacy.tenancy.selectors import invitation_list, member_list, memberships_for_user, team_list

from . import serializers as s
from .base import OrganizationViewSet


class MeView(APIView):
    """The signed-in user and the organizations they belong to."""

    @extend_schema(
        operation_id="me_retrieve",
        tags=["me"],
        summary="The current user",
        description="You, and your memberships with their roles and allowed actions. With an API token, "
        "only the token's organization is listed.",
        responses=s.MeSerializer,
    )
    def get(self, request):
        memberships = memberships_for_user(user=request.user)
        if isinstance(request.auth, ApiToken):
            memberships = [m for m in memberships if m.organization_id == request.auth.organization_id]
        return Response(s.MeSerializer(request.user, context={"memberships": memberships}).data)


@extend_schema_view(
    retrieve=extend_schema(summary="The organization", description="Name, settings, and your roles and actions."),
    partial_update=extend_schema(
        summary="Change the organization's settings",
        request=s.OrganizationUpdateSerializer,
        responses=s.OrganizationSerializer,
    ),
)
class OrganizationDetailViewSet(OrganizationViewSet):
    model = Organization
    serializer_class = s.OrganizationSerializer
    required_actions = {"retrieve": "org.view", "partial_update": "org.settings"}

    def scoped_queryset(self):
        return Organization.objects.all()

    def get_object(self):
        return self.organization

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, *args, **kwargs):
        organization = self.get_object()
        data = s.OrganizationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.organization_update_settings(
            organization=organization,
            actor=request.user,
            name=values.get("name", organization.name),
            require_mfa_for_staff=values.get("require_mfa_for_staff", organization.require_mfa_for_staff),
        )
        return Response(self.get_serializer(organization).data)


@extend_schema_view(
    list=extend_schema(summary="List members"),
    retrieve=extend_schema(summary="A member"),
    partial_update=extend_schema(
        summary="Change a member's roles, team or title",
        request=s.MemberUpdateSerializer,
        responses=s.MemberSerializer,
    ),
    deactivate=extend_schema(
        summary="Deactivate a member",
        description="The person loses access at once: their sessions end and their API tokens for this "
        "organization are revoked.",
        request=None,
        responses=s.MemberSerializer,
    ),
    reactivate=extend_schema(summary="Reactivate a member", request=None, responses=s.MemberSerializer),
)
class MemberViewSet(OrganizationViewSet):
    model = Membership
    serializer_class = s.MemberSerializer
    lookup_url_kwarg = "member_id"
    filter_serializer_class = s.MemberFilterSerializer
    cursor_ordering = "id"
    required_actions = {
        "list": "members.view",
        "retrieve": "members.view",
        "partial_update": "members.manage",
        "deactivate": "members.manage",
        "reactivate": "members.manage",
    }

    def scoped_queryset(self):
        if self.action != "list":
            return member_list(organization=self.organization, status="all")
        values = self.list_filters()
        team = values.get("team")
        return member_list(
            organization=self.organization,
            search=values.get("search", "").strip(),
            role=values.get("role", ""),
            team_id=team.pk if team else None,
            status={None: "all", True: "active", False: "inactive"}[values.get("is_active")],
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        data = s.MemberUpdateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.membership_update(
            organization=self.organization,
            actor=request.user,
            membership=member,
            roles=values.get("roles", member.roles),
            team=values["team"] if "team" in values else member.team,
            title=values.get("title"),
        )
        return Response(self.get_serializer(member).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        member = services.membership_deactivate(
            organization=self.organization, actor=request.user, membership=self.get_object()
        )
        return Response(self.get_serializer(member).data)

    @action(detail=True, methods=["post"])
    def reactivate(self, request, *args, **kwargs):
        member = services.membership_reactivate(
            organization=self.organization, actor=request.user, membership=self.get_object()
        )
        return Response(self.get_serializer(member).data)


@extend_schema_view(
    list=extend_schema(summary="List teams"),
    retrieve=extend_schema(summary="A team"),
    create=extend_schema(summary="Create a team", request=s.TeamInputSerializer, responses={201: s.TeamSerializer}),
    partial_update=extend_schema(summary="Rename or describe a team", request=s.TeamInputSerializer),
    destroy=extend_schema(summary="Delete a team", description="Its members and invitations keep no team."),
)
class TeamViewSet(OrganizationViewSet):
    model = Team
    serializer_class = s.TeamSerializer
    lookup_url_kwarg = "team_id"
    cursor_ordering = "name"
    required_actions = {
        "list": "teams.view",
        "retrieve": "teams.view",
        "create": "teams.manage",
        "partial_update": "teams.manage",
        "destroy": "teams.manage",
    }

    def scoped_queryset(self):
        return team_list(organization=self.organization)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        data = s.TeamInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_create(organization=self.organization, actor=request.user, **data.validated_data)
        team.member_count = 0
        return Response(self.get_serializer(team).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        team = self.get_object()
        data = s.TeamInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.team_update(
            organization=self.organization,
            actor=request.user,
            team=team,
            name=values.get("name", team.name),
            description=values.get("description", team.description),
        )
        return Response(self.get_serializer(team).data)

    def destroy(self, request, *args, **kwargs):
        services.team_delete(organization=self.organization, actor=request.user, team=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List invitations"),
    retrieve=extend_schema(summary="An invitation"),
    create=extend_schema(
        summary="Invite someone by email",
        description="Sends the invitation email. The secret link is only ever in the email.",
        request=s.InvitationCreateSerializer,
        responses={201: s.InvitationSerializer},
    ),
    revoke=extend_schema(summary="Revoke a pending invitation", request=None, responses=s.InvitationSerializer),
    resend=extend_schema(
        summary="Send an invitation again",
        description="A fresh link and expiry; the previous link stops working.",
        request=None,
        responses=s.InvitationSerializer,
    ),
)
class InvitationViewSet(OrganizationViewSet):
    model = Invitation
    serializer_class = s.InvitationSerializer
    lookup_url_kwarg = "invitation_id"
    filter_serializer_class = s.InvitationFilterSerializer
    required_actions = {
        "list": "invitations.manage",
        "retrieve": "invitations.manage",
        "create": "invitations.manage",
        "revoke": "invitations.manage",
        "resend": "invitations.manage",
    }

    def scoped_queryset(self):
        if self.action != "list":
            return invitation_list(organization=self.organization, status="all")
        return invitation_list(organization=self.organization, status=self.list_filters()["status"])

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        data = s.InvitationCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        invitation, _raw = services.invitation_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        invitation = services.invitation_revoke(
            organization=self.organization, actor=request.user, invitation=self.get_object()
        )
        return Response(self.get_serializer(invitation).data)

    @action(detail=True, methods=["post"])
    def resend(self, request, *args, **kwargs):
        invitation = services.invitation_resend(
            organization=self.organization, actor=request.user, invitation=self.get_object()
        )
        return Response(self.get_serializer(invitation).data)
