"""API test helpers: a DRF client signed in with a session or a Bearer token, and org-scoped reads."""

import pytest
from rest_framework.test import APIClient

from advocacy.accounts.models import ApiToken


@pytest.fixture
def api():
    """api(user=None, token=None) -> an APIClient signed in with a session (user) or a Bearer token (raw)."""

    def make(user=None, token=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def make_token(db):
    """make_token(user, organization, raw=None) -> the raw secret of a new personal API token (`raw` picks the
    secret, for a client configured before the test data exists)."""

    def make(user, organization, raw=None, **extra):
        raw = raw or ApiToken.generate_key()
        ApiToken.objects.create(
            user=user,
            organization=organization,
            name=extra.pop("name", "test token"),
            key_prefix=raw[:10],
            key_hash=ApiToken.hash_key(raw),
            **extra,
        )
        return raw

    return make


@pytest.fixture
def read(in_org):
    """read(org, fn) -> fn() evaluated inside the organization's scope (row-level security applies)."""

    def run(org, fn):
        with in_org(org):
            return fn()

    return run
