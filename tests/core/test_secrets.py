"""Tokens at rest: encrypted with the newest key, readable with any configured key, re-encrypted by the rotation
command; an unknown key is an error, never a silent empty token."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from advocacy.core import secrets


def test_encrypt_and_decrypt_round_trip_and_never_store_the_plain_text(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    stored = secrets.encrypt("token-123")
    assert "token-123" not in stored
    assert secrets.decrypt(stored) == "token-123"
    assert secrets.encrypt("") == "" and secrets.decrypt("") == ""


def test_rotation_new_key_first_old_still_reads_then_rotate(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [old]
    stored = secrets.encrypt("secret")
    settings.TOKEN_ENCRYPTION_KEYS = [new, old]
    assert secrets.decrypt(stored) == "secret"
    rotated = secrets.rotate(stored)
    assert rotated != stored
    settings.TOKEN_ENCRYPTION_KEYS = [new]
    assert secrets.decrypt(rotated) == "secret"
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(stored)


def test_without_keys_a_key_is_derived_from_the_secret_key(settings):
    settings.TOKEN_ENCRYPTION_KEYS = []
    assert secrets.decrypt(secrets.encrypt("x")) == "x"


@pytest.mark.django_db
def test_rotate_command_re_encrypts_stored_secrets(settings):
    from monitoring.models import MastodonApp

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [old]
    app = MastodonApp.objects.create(
        base_url="https://m.example", client_id="c", client_secret_encrypted=secrets.encrypt("s")
    )
    settings.TOKEN_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_token_keys", stdout=open("/dev/null", "w"))
    settings.TOKEN_ENCRYPTION_KEYS = [new]
    app.refresh_from_db()
    assert secrets.decrypt(app.client_secret_encrypted) == "s"
