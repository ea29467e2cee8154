"""Every allauth page renders inside the product layout, with no inline style or script (CSP)."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

from .helpers import activate_totp, assert_csp_clean, sign_in, totp_code

pytestmark = pytest.mark.django_db

ENTRANCE_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
]


@pytest.mark.parametrize("url", ENTRANCE_PAGES)
def test_entrance_pages_use_the_auth_card(client, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content
    assert b'class="auth-page"' in content
    assert b'href="/static/css/app.css"' in content
    assert_csp_clean(content)


def test_login_page_has_the_product_form(client):
    content = client.get("/accounts/login/").content.decode()
    assert "Sign in to Advocacy" in content
    assert 'name="login"' in content and 'name="password"' in content
    assert 'class="btn btn-primary"' in content
    assert "/accounts/password/reset/" in content
    assert "<title>Sign in · Advocacy</title>" in content


@pytest.fixture
def signed_in(client, employee):
    """A session signed in through the real form (so reauthentication-protected pages open)."""
    response = sign_in(client, employee.email)
    assert response.status_code == 302
    # allauth asks for the password again before two-factor changes, even right after sign-in
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return client


MANAGE_PAGES = [
    ("/accounts/email/", "Email addresses"),
    ("/accounts/password/change/", "Password"),
    ("/accounts/2fa/", "Two-factor authentication"),
    ("/accounts/2fa/totp/activate/", "Set up an authenticator app"),
    ("/accounts/tokens/", "API tokens"),
]


@pytest.mark.parametrize("url,heading", MANAGE_PAGES)
def test_account_settings_pages(signed_in, url, heading):
    response = signed_in.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="account-page"' in content
    assert 'aria-label="Account settings"' in content  # the settings tabs
    assert heading in content
    assert 'aria-current="page"' in content
    assert_csp_clean(response.content)


def test_logout_page_confirms_with_a_post(signed_in):
    response = signed_in.get("/accounts/logout/")
    assert response.status_code == 200
    assert b'class="auth-page"' in response.content
    assert_csp_clean(response.content)
    response = signed_in.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in.get("/accounts/email/").status_code == 302  # signed out


def test_totp_activation_page_shows_qr_as_image_and_secret(signed_in):
    content = signed_in.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in content
    assert re.search(r'id="authenticator_secret" value="[A-Z2-7]{32}"', content)
    assert 'data-copy="#authenticator_secret"' in content


def test_reauthenticate_page(client, employee):
    client.force_login(employee)  # no recent password entry in this session
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'class="auth-page"' in page.content
    assert_csp_clean(page.content)
    done = client.post(response["Location"], {"password": PASSWORD})
    assert done.status_code == 302
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_mfa_pages_when_active(client):
    user = UserFactory()
    secret = activate_totp(user)
    response = sign_in(client, user.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200 and b'class="auth-page"' in page.content
    assert_csp_clean(page.content)
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    # reauthentication offers the authenticator app as well as the password
    page = client.get("/accounts/2fa/reauthenticate/")
    assert page.status_code == 200
    assert_csp_clean(page.content)
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    for url in ("/accounts/2fa/", "/accounts/2fa/recovery-codes/generate/", "/accounts/2fa/totp/deactivate/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert_csp_clean(page.content)
    client.post("/accounts/2fa/recovery-codes/generate/")
    page = client.get("/accounts/2fa/recovery-codes/")
    assert page.status_code == 200
    assert page.content.count(b"<li>") >= 10
    assert_csp_clean(page.content)


def test_password_reset_pages(client, employee):
    response = client.post("/accounts/password/reset/", {"email": employee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert b'class="auth-page"' in page.content
    assert_csp_clean(page.content)
