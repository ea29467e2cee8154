from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from advocacy.tenancy.services import invitation_find_by_token


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-in attempts. For your security, sign-in is paused for a few minutes; "
            "try again later or reset your password."
        ),
    }

    def is_open_for_signup(self, request):
        """Sign-up is open; an account alone grants nothing until an invitation is accepted."""
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def is_email_verified(self, request, email):
        """Signing up from an invitation's link with the address it was sent to needs no second email:
        the link proved that inbox. Any other address is verified as usual. (Not allauth's stash, which
        would add the invited address to an account made with another one.)"""
        if super().is_email_verified(request, email):
            return True
        token = request.session.get("pending_invitation")
        if not token or not email:
            return False
        invitation = invitation_find_by_token(token)
        return invitation is not None and invitation.status == "pending" and invitation.email.lower() == email.lower()

    def get_login_redirect_url(self, request):
        pending = request.session.get("pending_invitation")
        if pending:
            return f"/invitations/{pending}/"
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)
