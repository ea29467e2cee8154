"""`/l/<code>` answered right after Django's SecurityMiddleware (HTTPS redirect, HSTS, nosniff still
apply), before the rest of the stack: the redirect needs no session, user, CSRF token, messages,
htmx, organization or per-request CSP building (the HTML pages it may answer carry their own strict
policy; see views.tracked_link). The URL pattern `tracked_link` stays for reverse() and for a stack
without this middleware; the answer is the same either way."""

from .views import tracked_link, tracked_link_image

PREFIX = "/l/"
IMAGE_SUFFIX = "/image"


class TrackedLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(PREFIX):
            code = path[len(PREFIX) :]
            if code and "/" not in code:
                request.get_host()  # ALLOWED_HOSTS still applies (DisallowedHost -> 400)
                return tracked_link(request, code)
            if code.endswith(IMAGE_SUFFIX) and "/" not in code[: -len(IMAGE_SUFFIX)]:
                request.get_host()
                return tracked_link_image(request, code[: -len(IMAGE_SUFFIX)])
        return self.get_response(request)
