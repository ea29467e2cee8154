"""`manage.py create_organization`: a new organization and its first admin's invitation, or nothing."""

import pytest
from django.core.management import CommandError, call_command

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, Organization
from tests.organizations import in_every_organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_creates_the_organization_and_invites_its_first_admin(mailoutbox, capsys):
    call_command("create_organization", "Initech Ltd", "--admin-email", "boss@initech.example")
    organization = Organization.objects.get(slug="initech-ltd")
    assert organization.name == "Initech Ltd"
    with organization_scope(organization):
        invitation = Invitation.objects.get(organization=organization)
    assert invitation.email == "boss@initech.example" and invitation.roles == ["admin", "employee"]
    assert invitation.status == "pending" and invitation.invited_by is None
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["boss@initech.example"]
    assert "/invitations/" in mailoutbox[0].body
    assert "Created Initech Ltd at /o/initech-ltd/" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Initech", "--admin-email", "nope"], "is not a valid email address"),
        (["  ", "--admin-email", "boss@initech.example"], "Give the organization a name"),
        (["Acme again", "--slug", "taken", "--admin-email", "boss@initech.example"], "/o/taken/ is taken"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(args, message, mailoutbox):
    Organization.objects.create(name="Taken", slug="taken")
    with pytest.raises(CommandError, match=message):
        call_command("create_organization", *args)
    assert list(Organization.objects.values_list("slug", flat=True)) == ["taken"]
    assert in_every_organization(lambda: Invitation.objects.all()) == []
    assert mailoutbox == []
