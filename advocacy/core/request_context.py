"""Who is asking and from where, for the audit log, without passing `request` into services."""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_info: ContextVar[RequestInfo] = ContextVar("request_info", default=RequestInfo())  # noqa: B039 - frozen


def client_ip(request) -> str | None:
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # the address our own proxy saw is the last one in the list
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def current_request_info() -> RequestInfo:
    return _info.get()


class RequestInfoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _info.set(RequestInfo(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:400]))
        try:
            return self.get_response(request)
        finally:
            _info.reset(token)
