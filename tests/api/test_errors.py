"""One error format for every failure: {"error": {"code", "message", "details"}}."""

import pytest

from .helpers import error_of

pytestmark = pytest.mark.django_db


def test_400(api, org, admin):
    response = api(admin).post(f"/api/v1/o/{org.slug}/teams/", {"name": ""})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["details"] == {"name": ["This field may not be blank."]}
    assert error["message"] == "name: This field may not be blank."


def test_400_from_a_service_rule(api, org, admin, team):
    response = api(admin).post(f"/api/v1/o/{org.slug}/teams/", {"name": "Marketing"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["details"] == {"non_field_errors": ["There is already a team called “Marketing”."]}


def test_400_on_malformed_json(api, org, admin):
    response = api(admin).generic("POST", f"/api/v1/o/{org.slug}/teams/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_401(api, db):
    response = api().get("/api/v1/me/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_403(api, org, employee):
    response = api(employee).post(f"/api/v1/o/{org.slug}/teams/", {"name": "x"})
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert error["message"] == "Your role in this organization does not allow this."


def test_404(api, org, admin):
    response = api(admin).get(f"/api/v1/o/{org.slug}/teams/424242/")
    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "Not found.", "details": {}}


def test_405(api, org, admin):
    response = api(admin).put(f"/api/v1/o/{org.slug}/", {"name": "x"})
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "PATCH" in response["Allow"]


def test_405_does_not_hide_a_403_for_a_routed_method(api, org, employee):
    assert api(employee).delete(f"/api/v1/o/{org.slug}/teams/").status_code == 405


def test_options_is_405_for_every_role(api, org, admin, employee):
    for user in (admin, employee):
        response = api(user).options(f"/api/v1/o/{org.slug}/teams/")
        assert response.status_code == 405
        assert error_of(response)["code"] == "method_not_allowed"
