from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
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
