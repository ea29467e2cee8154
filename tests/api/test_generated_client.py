"""A client generated with openapi-python-client from /api/schema/ imports, module by module, and works:
a create, a partial update and a list go through it to a live server with a real bearer token.

The generator runs offline in a temporary folder, once for the module, with its formatting post-hooks off
(they only restyle the code) and warnings as failures (a warning is an operation or a model it skipped).
"""

import importlib
import json
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client as DjangoClient

from advocacy.permissions import Role
from advocacy.tenancy.models import Membership, Team
from content_library.models import ContentItem
from tests.factories import MembershipFactory, TeamFactory

PACKAGE = "advocacy_api_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated package, importable as PACKAGE while the module's tests run."""
    folder = tmp_path_factory.mktemp("generated-client")
    response = DjangoClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    (folder / "schema.json").write_text(json.dumps(response.json()))
    (folder / "config.json").write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", "schema.json", "--meta", "none"]
    command += ["--config", "config.json", "--output-path", PACKAGE, "--fail-on-warning"]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    yield folder / PACKAGE
    sys.path.remove(str(folder))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def test_every_generated_module_imports(generated):
    modules = sorted(
        ".".join(path.relative_to(generated.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in generated.rglob("*.py")
    )
    assert len(modules) > 100  # an endpoint module per operation, a model per schema
    failures = {}
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # every failure is reported, not only the first
            failures[name] = repr(exc)
    assert failures == {}
    for operation in ("teams.teams_create", "teams.teams_partial_update", "teams.teams_list", "me.me_retrieve"):
        assert f"{PACKAGE}.api.{operation}" in modules


def _client(base_url, token):
    return importlib.import_module(PACKAGE).AuthenticatedClient(base_url=base_url, token=token)


def _api(tag, operation):
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")


def _model(name):
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


def test_create_partial_update_and_list_through_the_generated_client(generated, live_server, org, make_token, read):
    admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user
    client = _client(live_server.url, make_token(admin, org))

    created = _api("teams", "teams_create").sync_detailed(
        org_slug=org.slug, client=client, body=_model("TeamInputRequest")(name="Sales", description="Closers")
    )
    assert created.status_code == 201, created.content
    team = created.parsed
    assert isinstance(team, _model("Team")) and (team.name, team.description, team.member_count) == (
        "Sales",
        "Closers",
        0,
    )

    # Only the name: the description the client was not asked to change stays as it is.
    patched = _api("teams", "teams_partial_update").sync(
        org_slug=org.slug, team_id=team.id, client=client, body=_model("PatchedTeamInputRequest")(name="Sales EMEA")
    )
    assert (patched.name, patched.description) == ("Sales EMEA", "Closers")
    assert read(org, lambda: Team.objects.values_list("name", "description").get(pk=team.id)) == (
        "Sales EMEA",
        "Closers",
    )

    TeamFactory(organization=org, name="Engineering")
    listed = _api("teams", "teams_list").sync(org_slug=org.slug, client=client, page_size=1)
    assert [t.name for t in listed.results] == ["Engineering"] and listed.next_
    rest = _api("teams", "teams_list").sync(
        org_slug=org.slug, client=client, cursor=_cursor(listed.next_), page_size=200
    )
    assert [t.name for t in rest.results] == ["Sales EMEA"] and rest.next_ is None


def test_nullable_values_go_both_ways(generated, live_server, org, make_token, read):
    """A member's team set to null (sent as JSON null), a text post's null addresses and campaign read back."""
    admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user
    team = TeamFactory(organization=org, name="Marketing")
    member = MembershipFactory(organization=org, team=team, roles=[Role.EMPLOYEE])
    client = _client(live_server.url, make_token(admin, org))

    updated = _api("members", "members_partial_update").sync(
        org_slug=org.slug, member_id=member.pk, client=client, body=_model("PatchedMemberUpdateRequest")(team=None)
    )
    assert updated.team is None and updated.roles == [_model("Role")("employee")]
    assert read(org, lambda: Membership.objects.get(pk=member.pk).team_id) is None

    body = _model("ContentInputRequest")(kind=_model("ContentInputKindEnum")("text"), title="Just words")
    item = _api("content", "content_items_create").sync(org_slug=org.slug, client=client, body=body)
    assert isinstance(item, _model("Content")), item
    assert (item.url, item.image_url, item.campaign) == (None, None, None)
    assert read(org, lambda: ContentItem.objects.get(pk=item.id).kind) == "text"


def _cursor(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]
