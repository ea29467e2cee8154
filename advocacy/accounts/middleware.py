"""`Authorization: Bearer <token>` for the API: authenticates the request before the organization
middleware runs, so the organization and membership checks are the same for tokens and sessions."""

from datetime import timedelta

from django.utils import timezone

from .models import ApiToken

TOUCH_EVERY = timedelta(minutes=5)


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        request.api_token_invalid = False
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header[:7].lower() == "bearer " and request.path_info.startswith("/api/"):
            raw = header[7:].strip()
            token = (
                ApiToken.objects.usable()
                .select_related("user")
                .filter(key_hash=ApiToken.hash_key(raw), user__is_active=True)
                .first()
            )
            if token is None:
                request.api_token_invalid = True
            else:
                request.api_token = token
                request.user = token.user
                request._cached_user = token.user
                now = timezone.now()
                if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
                    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return self.get_response(request)
