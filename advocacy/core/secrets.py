"""Secrets at rest (OAuth tokens, client secrets, API credentials): encrypted with cryptography's MultiFernet.

Keys come from the environment (`TOKEN_ENCRYPTION_KEYS`, comma-separated, newest first): the first key
encrypts, every key decrypts, so a new key is rolled out by putting it first, then `manage.py
rotate_token_keys` re-encrypts every stored secret with it, then the old key is dropped. Without the setting
(development, tests) one key is derived from SECRET_KEY.

A secret never goes to a log, a template or the API: models keep only the `*_encrypted` text, and code
decrypts it at the moment it talks to the network. `encrypt("")` is "" (no secret stored)."""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = ["SecretUnreadable", "decrypt", "encrypt", "rotate"]


class SecretUnreadable(Exception):
    """The stored text was encrypted with a key that is no longer configured (or is not ours)."""


def _derived_key() -> bytes:
    digest = hashlib.sha256(b"advocacy.core.secrets:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "TOKEN_ENCRYPTION_KEYS", None) or []) or [_derived_key()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS holds a key that is not a Fernet key.") from exc


@receiver(setting_changed)
def _keys_changed(setting, **kwargs):
    if setting in {"TOKEN_ENCRYPTION_KEYS", "SECRET_KEY"}:
        _fernet.cache_clear()


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("A stored secret cannot be read with the configured keys.") from exc


def rotate(stored: str) -> str:
    """The same secret encrypted with the newest key (unchanged text when it already is)."""
    if not stored:
        return ""
    try:
        return _fernet().rotate(stored.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("A stored secret cannot be read with the configured keys.") from exc
