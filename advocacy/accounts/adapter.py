from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


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

    def get_login_redirect_url(self, request):
        pending = request.session.get("pending_invitation")
        if pending:
            return f"/invitations/{pending}/"
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)
