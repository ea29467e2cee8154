"""Sign-in bookkeeping: remember the session for instant revocation; audit sign-ins, failures,
sign-outs, password and two-factor changes in every organization the person belongs to.

A person with no membership has no organization log to write to; their events go to the
platform's security log instead, so nothing is lost and nothing fails."""

import logging

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from advocacy.audit.services import audit_record
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.selectors import memberships_for_user

from .models import UserSession

security_log = logging.getLogger("advocacy.security")


def _audit_in_each_organization(user, action: str, data: dict | None = None) -> int:
    memberships = memberships_for_user(user=user, fresh=True)
    for membership in memberships:
        with organization_scope(membership.organization, user=user):
            audit_record(organization=membership.organization, actor=user, action=action, data=data)
    if not memberships:
        security_log.info("%s for user %s (no organization)", action, user.pk)
    return len(memberships)


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        if not request.session.session_key:
            request.session.save()
        UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})
    _audit_in_each_organization(user, "auth.signed_in")


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is None:  # the session had expired already
        return
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    _audit_in_each_organization(user, "auth.signed_out")


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if user is None:
        # No organization to file it under: keep it in the platform's security log.
        security_log.warning("failed sign-in for unknown account %r", email[:254])
        return
    _audit_in_each_organization(user, "auth.sign_in_failed", {"email": email[:254]})


@receiver(password_changed)
def on_password_changed(sender, request, user, **kwargs):
    _audit_in_each_organization(user, "auth.password_changed")


@receiver(password_reset)
def on_password_reset(sender, request, user, **kwargs):
    _audit_in_each_organization(user, "auth.password_reset")


@receiver(authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    _audit_in_each_organization(user, "mfa.activated", {"type": authenticator.type})


@receiver(authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    _audit_in_each_organization(user, "mfa.deactivated", {"type": authenticator.type})


@receiver(authenticator_reset)
def on_authenticator_reset(sender, request, user, authenticator, **kwargs):
    _audit_in_each_organization(user, "mfa.recovery_codes_regenerated", {"type": authenticator.type})
