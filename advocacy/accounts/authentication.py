from rest_framework import authentication, exceptions


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """DRF side of BearerTokenMiddleware: the middleware has already looked the token up."""

    keyword = "Bearer"

    def authenticate(self, request):
        django_request = request._request
        token = getattr(django_request, "api_token", None)
        if token is not None:
            return (token.user, token)
        if getattr(django_request, "api_token_invalid", False):
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API token.")
        return None

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
