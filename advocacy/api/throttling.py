"""Throttles whose rates are read from settings on every request (DRF's own classes read them once at
import), so an operator's or a test's REST_FRAMEWORK override takes effect."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserRateThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    """Per signed-in user (session or API token) across the whole API."""


class AnonRateThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    """Per client address for requests without credentials."""
