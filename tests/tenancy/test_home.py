import pytest

pytestmark = pytest.mark.django_db


def test_member_sees_org_home(client_for, admin, org):
    response = client_for(admin).get(f"/o/{org.slug}/")
    assert response.status_code == 200
    assert b"Welcome back" in response.content
    assert org.name.encode() in response.content


def test_non_member_gets_404_like_missing_org(client_for, other_admin, org):
    client = client_for(other_admin)
    assert client.get(f"/o/{org.slug}/").status_code == 404
    assert client.get("/o/no-such-org/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, org):
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
