import pytest

from .helpers import error_of

pytestmark = pytest.mark.django_db


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_user_throttle_answers_429_with_retry_after(settings, api, org, admin):
    _rates(settings, user="3/min")  # each test has its own cache namespace (tests/conftest.py)
    client = api(admin)
    for _ in range(3):
        assert client.get(f"/api/v1/o/{org.slug}/").status_code == 200
    response = client.get(f"/api/v1/o/{org.slug}/")
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_throttle_is_per_user(settings, api, org, admin, employee):
    _rates(settings, user="2/min")
    for _ in range(2):
        api(admin).get("/api/v1/me/")
    assert api(admin).get("/api/v1/me/").status_code == 429
    assert api(employee).get("/api/v1/me/").status_code == 200


def test_anonymous_throttle_on_the_public_schema(settings, api, db):
    _rates(settings, anon="2/min")
    client = api()
    assert [client.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]
    assert "Retry-After" in client.get("/api/schema/")
