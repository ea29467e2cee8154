"""Writes to a person's own account: personal API tokens. Audited in the token's organization."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.selectors import memberships_for_user

from .models import ApiToken

TOKEN_EXPIRY_DAYS = (30, 90, 365)
MAX_ACTIVE_TOKENS = 20


def _check_member(*, user, organization) -> None:
    if organization is None or not any(
        m.organization_id == organization.pk for m in memberships_for_user(user=user, fresh=True)
    ):
        raise ValidationError("Choose one of your organizations.")


@transaction.atomic
def api_token_create(*, user, organization, name: str, expires_in_days: int | None) -> tuple[ApiToken, str]:
    """Create a personal API token for `user` in `organization`. Returns the token and the secret,
    which is not stored (only its SHA-256) and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the token a name, such as the script or tool that will use it.")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError("Keep the name under 100 characters.")
    if expires_in_days is not None and expires_in_days not in TOKEN_EXPIRY_DAYS:
        raise ValidationError("Choose an expiry of 30, 90 or 365 days, or no expiry.")
    _check_member(user=user, organization=organization)
    if ApiToken.objects.usable().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"You already have {MAX_ACTIVE_TOKENS} active tokens. Revoke one you no longer use first."
        )

    raw = ApiToken.generate_key()
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(
        user=user,
        organization=organization,
        name=name,
        key_prefix=raw[:12],
        key_hash=ApiToken.hash_key(raw),
        expires_at=expires_at,
    )
    with organization_scope(organization, user=user):
        audit_record(
            organization=organization,
            actor=user,
            action="api_token.created",
            target=token,
            data={
                "name": name,
                "prefix": token.key_prefix,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke one of `user`'s own tokens at once. Revoking a revoked token changes nothing."""
    if token.user_id != user.pk:
        raise Http404("No such token")
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, user=user, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    if changed:
        organization = token.organization
        with organization_scope(organization, user=user):
            audit_record(
                organization=organization,
                actor=user,
                action="api_token.revoked",
                target=token,
                data={"name": token.name, "prefix": token.key_prefix},
            )
    return token
