import pytest

from advocacy.permissions import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HR, Role.MODERATOR, Role.ADMIN])
def test_each_role_signs_in_and_sees_home(role, org, team, sign_in, screenshot):
    user = UserFactory(email=f"{role}@browser.example", full_name=f"Pat {role.label}")
    roles = [role] if role == Role.EMPLOYEE else [role, Role.EMPLOYEE]
    MembershipFactory(organization=org, user=user, roles=roles, team=team)
    page = sign_in(user)
    assert page.url.rstrip("/").endswith(f"/o/{org.slug}")
    assert page.get_by_role("heading", name=f"Welcome back, {user.full_name}").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    if role == Role.ADMIN:
        assert nav.get_by_role("link", name="Members", exact=True).is_visible()
    if role == Role.EMPLOYEE:
        assert nav.get_by_role("link", name="Members", exact=True).count() == 0
    screenshot(page, f"home-{role}")
