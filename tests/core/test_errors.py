import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_url_answers_in_the_api_error_format(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "details": {}}}


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"find that page" in response.content


def test_api_401_names_the_scheme(client, org):
    response = client.get(f"/api/v1/o/{org.slug}/", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_member_without_the_action_sees_a_403_page(client_for, employee, org):
    response = client_for(employee).get(f"/o/{org.slug}/audit/")
    assert response.status_code == 403
    assert b"role doesn" in response.content
