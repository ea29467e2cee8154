"""django-csp's middleware, with the site-wide policy built once per process.

django-csp builds the header string on every response; ours is the same for every response that sets
no nonce and no per-view override (csp decorators), so it is built once per settings and reused.
Any response with a nonce or an override goes through django-csp unchanged."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_built: dict[str, tuple[str, tuple[str, ...]]] = {}


def _site_policy(header: str, setting: str, report_only: bool) -> tuple[str, tuple[str, ...]]:
    """(the header's value, its excluded path prefixes) for the settings' policy."""
    found = _built.get(header)
    if found is None:
        value = build_policy(report_only=report_only)
        prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        found = _built[header] = (value, prefixes)
    return found


def _forget(**kwargs) -> None:
    _built.clear()


setting_changed.connect(_forget, dispatch_uid="advocacy-csp-policy")


class SitePolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for header, setting, report_only in (
            (HEADER, "CONTENT_SECURITY_POLICY", False),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
        ):
            value, prefixes = _site_policy(header, setting, report_only)
            if value and header not in response and not request.path_info.startswith(prefixes):
                response[header] = value
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # as django-csp
        return response
