"""API of the member's own connected accounts: GET /api/v1/o/<slug>/monitoring/accounts/ (every member; their
own accounts only). Each account with its state in words; never a token, a secret or a credential."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from advocacy.api.base import OrganizationViewSet
from monitoring.models import ConnectedAccount
from monitoring.services import accounts as services


class ConnectedAccountSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    state_label = serializers.SerializerMethodField()
    state_detail = serializers.SerializerMethodField()

    class Meta:
        model = ConnectedAccount
        # an explicit list: the encrypted tokens are never among them
        fields = [
            "id",
            "network",
            "handle",
            "display_name",
            "instance_url",
            "followers_count",
            "state",
            "state_label",
            "state_detail",
            "token_expires_at",
            "last_error",
            "last_error_at",
            "last_pulled_at",
            "verification_code",
            "created_at",
        ]
        read_only_fields = fields

    def _state(self, account):
        if not hasattr(account, "_state_cache"):
            account._state_cache = services.account_state(account, timezone.now())
        return account._state_cache

    def get_state(self, account) -> str:
        return self._state(account).key

    def get_state_label(self, account) -> str:
        return str(self._state(account).label)

    def get_state_detail(self, account) -> str:
        return str(self._state(account).detail)


@extend_schema_view(list=extend_schema(summary="Your connected accounts"))
class ConnectedAccountViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """The caller's own connected accounts, by network and handle."""

    model = ConnectedAccount
    serializer_class = ConnectedAccountSerializer
    required_actions = {"list": "monitoring.accounts"}

    def scoped_queryset(self):
        return ConnectedAccount.objects.filter(organization=self.organization, user=self.request.user).order_by(
            "network", "handle", "pk"
        )
