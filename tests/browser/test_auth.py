"""In a real browser: two-factor setup and sign-in with a code, an API token shown once, and the
audit log; screenshots of each page."""

import re

import pytest

from advocacy.accounts.models import ApiToken
from advocacy.permissions import Role
from tests.accounts.helpers import totp_code
from tests.audit.factories import AuditEventFactory
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def person(org, team):
    user = UserFactory(email="dana@acme-test.example", full_name="Dana Whitfield")
    MembershipFactory(organization=org, user=user, roles=[Role.ADMIN, Role.EMPLOYEE], team=team)
    return user


def test_login_page(new_page, screenshot):
    page = new_page()
    page.goto(page.base + "/accounts/login/")
    assert page.get_by_role("heading", name="Sign in to Advocacy").is_visible()
    screenshot(page, "auth-login")
    page.fill("input[name=login]", "nobody@example.com")
    page.fill("input[name=password]", "wrong-password")
    page.click("main button[type=submit]")
    assert page.locator(".alert-error").is_visible()
    screenshot(page, "auth-login-error")


def test_totp_setup_and_sign_in_with_a_code(person, org, new_page, sign_in, screenshot):
    page = sign_in(person)
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.goto(page.base + "/accounts/2fa/")
    screenshot(page, "auth-mfa-index")
    page.get_by_role("link", name="Set up authenticator app").click()
    # allauth asks for the password again before a two-factor change
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    qr = page.locator("img.totp-qr")
    assert qr.is_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the QR code renders under the CSP
    secret = page.input_value("#authenticator_secret")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    screenshot(page, "auth-totp-setup")
    page.fill("input[name=code]", totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert page.locator(".code-grid li").count() == 10
    screenshot(page, "auth-recovery-codes")
    assert not console_errors, console_errors

    # sign out, then sign in again: the code is asked for
    page.locator(".user-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    screenshot(page, "auth-mfa-authenticate")
    page.fill("input[name=code]", totp_code(secret, offset=1))  # the next window: a fresh code, accepted
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf"/o/{org.slug}/$"))
    assert page.get_by_role("heading", name=f"Welcome back, {person.full_name}").is_visible()


def test_api_token_is_shown_once(person, org, sign_in, screenshot):
    page = sign_in(person)
    page.goto(page.base + "/accounts/tokens/")
    page.fill("input[name=name]", "Weekly report script")
    page.select_option("select[name=expires]", "365")
    page.get_by_role("button", name="Create token").click()
    raw = page.input_value("#new-token")
    token = ApiToken.objects.get(user=person)
    assert ApiToken.hash_key(raw) == token.key_hash
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy", exact=True).click()
    assert page.evaluate("navigator.clipboard.readText()") == raw
    screenshot(page, "auth-token-created")
    page.goto(page.base + "/accounts/tokens/")
    assert raw not in page.content()
    assert page.get_by_role("cell", name="Weekly report script").is_visible()
    screenshot(page, "auth-tokens")


def test_audit_log_page(person, org, sign_in, screenshot):
    samples = [
        ("member.role_changed", "hr@acme-test.example", {"roles": "admin, employee"}),
        ("invitation.created", "new.hire@acme-test.example", {"roles": "employee", "team": "Marketing"}),
        ("auth.sign_in_failed", "", {"email": "dana@acme-test.example"}),
        ("member.deactivated", "old.timer@acme-test.example", {}),
        ("api_token.created", "Weekly report script (adv_Xc1…)", {"prefix": "adv_Xc1a2b3c"}),
    ]
    for action, target, data in samples:
        AuditEventFactory(
            organization=org,
            action=action,
            actor_email=person.email,
            target_repr=target,
            target_type="" if not target else "membership",
            data=data,
        )
    page = sign_in(person)
    page.goto(page.base + f"/o/{org.slug}/audit/")
    assert page.get_by_role("heading", name="Audit log").is_visible()
    assert page.get_by_role("cell", name="member.role_changed").is_visible()
    screenshot(page, "audit-log")
    page.select_option("select[name=action]", "invitation.created")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("tbody tr").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.startswith(f"audit-{org.slug}-")
