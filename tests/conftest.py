"""Shared fixtures: two organizations and one member per role in the first."""

import pytest

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope

from .factories import PASSWORD, MembershipFactory, OrganizationFactory, TeamFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is created, migrated and dropped by the owner role (MIGRATE_DATABASE_URL), as
    production migrates; `django_db_setup` below then connects the tests as the runtime role (DATABASE_URL),
    which owns nothing (advocacy/core/roles.py)."""
    from advocacy.core.roles import as_owner

    with as_owner():
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from advocacy.core.roles import as_runtime

    with as_runtime():
        yield


@pytest.fixture
def owner_connection(db):
    """For a test that creates a table (to show that a check of the catalogue can fail): inside it, the
    default connection is the owner role's, as in a migration (the runtime role may not create tables),
    in a transaction rolled back at the end of the test."""
    from django.db import transaction

    from advocacy.core.roles import as_owner

    with as_owner() as connection, transaction.atomic(using=connection.alias):
        yield connection
        transaction.set_rollback(True, using=connection.alias)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache namespace on the real Redis (rate limits, throttles)."""
    import uuid

    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}}


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    """Each test stores uploads (and seed_demo's pictures) in a folder of its own, not in var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def clear_cache():
    """clear_cache() drops this test's cache keys only (the Redis database is shared with other runs)."""

    def clear():
        from django.core.cache import cache
        from django_redis import get_redis_connection

        client = get_redis_connection("default")
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)

    return clear


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing every factory user's password with the production hasher dominates test time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme Test", slug="acme-test")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Other Co", slug="other-co")


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="Marketing")


def _member(org, roles, email):
    return MembershipFactory(organization=org, user=UserFactory(email=email), roles=roles).user


@pytest.fixture
def employee(org):
    return _member(org, [Role.EMPLOYEE], "employee@acme-test.example")


@pytest.fixture
def hr(org):
    return _member(org, [Role.HR, Role.EMPLOYEE], "hr@acme-test.example")


@pytest.fixture
def moderator(org):
    return _member(org, [Role.MODERATOR, Role.EMPLOYEE], "moderator@acme-test.example")


@pytest.fixture
def admin(org):
    return _member(org, [Role.ADMIN, Role.EMPLOYEE], "admin@acme-test.example")


@pytest.fixture
def other_admin(other_org):
    """An admin of the other organization: the cross-tenant tests sign in as this person."""
    return _member(other_org, [Role.ADMIN, Role.EMPLOYEE], "admin@other-co.example")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def in_org():
    """`with in_org(org): ...` activates an organization for direct ORM use in a test."""
    return organization_scope


@pytest.fixture
def redis_commands(monkeypatch):
    """The Redis commands sent (real Redis; each call is one round trip)."""
    import redis.client

    sent = []
    original = redis.client.Redis.execute_command

    def counting(self, *args, **kwargs):
        sent.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", counting)
    return sent
