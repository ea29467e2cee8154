"""Shared helpers for the account tests: signing in through allauth's real forms, TOTP codes."""

import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings

from tests.factories import PASSWORD

INLINE_STYLE = re.compile(rb"<[^>]+\sstyle\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(rb"<script\b([^>]*)>", re.IGNORECASE)


def totp_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows now for `secret` (RFC 6238, allauth's own HOTP)."""
    counter = int(time.time()) // settings.MFA_TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(secret, counter))


def activate_totp(user) -> str:
    """Give `user` an authenticator app (as the activation page would) and return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def assert_csp_clean(content: bytes) -> None:
    """No inline style attributes and no inline executable scripts (the CSP would block them)."""
    assert not INLINE_STYLE.search(content), INLINE_STYLE.search(content).group(0)
    for attrs in SCRIPT_TAG.findall(content):
        assert b"src=" in attrs or b'type="application/json"' in attrs, attrs
