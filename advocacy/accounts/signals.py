"""Sign-in bookkeeping: remember the session for instant revocation; audit sign-ins and failures
in every organization the person belongs to."""

import logging

from allauth.account.signals import user_logged_in as allauth_logged_in  # noqa: F401
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .models import UserSession

security_log = logging.getLogger("advocacy.security")


def _audit_in_each_organization(user, action: str, data: dict | None = None) -> None:
    from advocacy.audit.services import audit_record
    from advocacy.tenancy.context import organization_scope
    from advocacy.tenancy.selectors import memberships_for_user

    for membership in memberships_for_user(user=user):
        with organization_scope(membership.organization, user=user):
            audit_record(organization=membership.organization, actor=user, action=action, data=data)


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        if not request.session.session_key:
            request.session.save()
        UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})
    _audit_in_each_organization(user, "auth.signed_in")


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if user is None:
        # No organization to file it under: keep it in the platform's security log.
        security_log.warning("failed sign-in for unknown account %r", email[:254])
        return
    _audit_in_each_organization(user, "auth.sign_in_failed", {"email": email[:254]})
