"""Input and output serializers of the API. Outputs are read-only shapes; inputs only parse and check
that every id belongs to the organization in the URL — the rules live in the services."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advocacy.permissions import Role
from advocacy.tenancy.models import Invitation, Membership, Organization, Team

from .inputs import JsonInput


@extend_schema_field(OpenApiTypes.INT)
class OrganizationTeamField(serializers.PrimaryKeyRelatedField):
    """A team id that must belong to the organization in the URL (another organization's id is
    answered like an unknown one)."""

    default_error_messages = {"does_not_exist": "No team with id {pk_value} in this organization."}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_queryset(self):
        return Team.objects.filter(organization=self.context["organization"])


def _roles_field(**kwargs):
    return serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=False, **kwargs)


FILTER_TEAM_MISSING = "Give a team id, or leave team out."

INVITATION_STATUSES = [("pending", "Pending"), ("accepted", "Accepted"), ("revoked", "Revoked"), ("expired", "Expired")]


def _roles_output():
    return serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)


def _sorted_actions(membership) -> list[str]:
    return sorted(membership.actions)


# --- shared pieces ----------------------------------------------------------------------------------


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]
        read_only_fields = fields


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug"]
        read_only_fields = fields


# --- current user ---------------------------------------------------------------------------------


class MyMembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    roles = _roles_output()
    actions = serializers.SerializerMethodField(help_text="What your roles allow in this organization.")

    class Meta:
        model = Membership
        fields = ["id", "organization", "roles", "actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, membership):
        return _sorted_actions(membership)


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "email", "full_name", "memberships"]
        read_only_fields = fields

    @extend_schema_field(MyMembershipSerializer(many=True))
    def get_memberships(self, user):
        return MyMembershipSerializer(self.context["memberships"], many=True).data


# --- organization ---------------------------------------------------------------------------------


class YourMembershipSerializer(serializers.ModelSerializer):
    roles = _roles_output()
    team = TeamBriefSerializer(read_only=True, allow_null=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "roles", "team", "title", "actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, membership):
        return _sorted_actions(membership)


class OrganizationSerializer(serializers.ModelSerializer):
    membership = serializers.SerializerMethodField(help_text="Your own membership: roles and allowed actions.")

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "require_mfa_for_staff", "created_at", "membership"]
        read_only_fields = fields

    @extend_schema_field(YourMembershipSerializer)
    def get_membership(self, organization):
        return YourMembershipSerializer(self.context["membership"]).data


class OrganizationUpdateSerializer(JsonInput):
    name = serializers.CharField(max_length=120, required=False)
    require_mfa_for_staff = serializers.BooleanField(required=False)


# --- members --------------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    roles = _roles_output()
    team = TeamBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "roles", "team", "title", "is_active", "joined_at", "deactivated_at"]
        read_only_fields = fields


class MemberFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, help_text="Part of the name or email.")
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    team = OrganizationTeamField(
        allow_null=False, help_text="Members of this team.", error_messages={"null": FILTER_TEAM_MISSING}
    )
    is_active = serializers.BooleanField(
        required=False, help_text="Active (true) or deactivated (false) members only; omit for both."
    )


class MemberUpdateSerializer(JsonInput):
    roles = _roles_field(required=False)
    team = OrganizationTeamField(help_text="A team of this organization, or null for none.")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)


# --- teams ----------------------------------------------------------------------------------------


class TeamSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, help_text="Active members in the team.")

    class Meta:
        model = Team
        fields = ["id", "name", "description", "member_count", "created_at"]
        read_only_fields = fields


class TeamInputSerializer(JsonInput):
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(
        max_length=240, required=False, allow_blank=True, help_text="Empty when left out of a new team."
    )


# --- invitations ----------------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    roles = _roles_output()
    team = TeamBriefSerializer(read_only=True, allow_null=True)
    invited_by = UserBriefSerializer(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=INVITATION_STATUSES, read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "full_name",
            "roles",
            "team",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["pending", "all"], required=False, default="pending", help_text="Pending only, or every invitation."
    )


class InvitationCreateSerializer(JsonInput):
    email = serializers.EmailField()
    roles = _roles_field(required=False, default=[Role.EMPLOYEE.value])
    team = OrganizationTeamField(help_text="A team of this organization the person joins on acceptance.")
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
