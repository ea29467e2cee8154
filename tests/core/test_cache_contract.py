"""The cache contract (advocacy/core/cache.py): entries go stale with the writes of the models they
declare, whatever writes them (a service, a plain ORM save, a bulk update, an m2m add), a late store
after a write is never served, and nothing outside the contract talks to the cache."""

import ast
import pathlib

import pytest
from django.db import transaction

from advocacy.core.cache import Cached, On, declarations
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Team
from advocacy.tenancy.selectors import organization_stats

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]

counted = Cached(
    "tests.team-names", scope=("organization",), ttl=60, on=[On("tenancy.Team", scope=("organization_id",))]
)


def _names(org):
    return sorted(Team.objects.filter(organization=org).values_list("name", flat=True))


def _cached_names(org, compute=None):
    return counted.get_or_compute((org.pk,), "names", compute=compute or (lambda: _names(org)))


def test_a_plain_save_delete_and_bulk_update_make_entries_stale(org):
    from django.core.cache import cache

    from advocacy.core import cache as contract

    contract.connect()  # this test module declared one more cache
    with organization_scope(org):
        before = _names(org)
        assert _cached_names(org) == before
        assert _cached_names(org, compute=lambda: ["not read"]) == before  # served from the cache

        team = Team.objects.create(organization=org, name="Zeta")
        assert _cached_names(org) == sorted([*before, "Zeta"])

        Team.objects.filter(pk=team.pk).update(name="Zulu")  # no signal: the tenant queryset tells
        assert "Zulu" in _cached_names(org)

        team.delete()
        assert _cached_names(org) == before
    assert cache.get(counted.generation_key((org.pk,))) is not None


def test_a_write_in_another_organization_leaves_entries_alone(org, other_org):
    from advocacy.core import cache as contract

    contract.connect()
    with organization_scope(org):
        assert _cached_names(org) == _names(org)
    with organization_scope(other_org):
        Team.objects.create(organization=other_org, name="Elsewhere")
    with organization_scope(org):
        assert _cached_names(org, compute=lambda: ["recomputed"]) != ["recomputed"]


def test_a_late_store_after_a_write_is_never_served(org):
    """A reader loads the old rows, a writer commits, then the reader stores: nobody after gets them."""
    from advocacy.core import cache as contract

    contract.connect()
    with organization_scope(org):
        assert _cached_names(org) == _names(org)  # a generation exists
        Team.objects.create(organization=org, name="Before")
        (entry,) = contract.read([(counted, (org.pk,), ("names",))])
        stale = _names(org)  # the reader saw these rows...
        Team.objects.create(organization=org, name="After")  # ...then the writer changed them
        entry.store(stale)  # the late store
        assert "After" in _cached_names(org)


def test_writes_bump_again_when_the_transaction_commits(org, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from advocacy.core import cache as contract

    contract.connect()
    key = counted.generation_key((org.pk,))
    with organization_scope(org):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            Team.objects.create(organization=org, name="Inside")
            during = cache.get(key)
        assert during is not None and cache.get(key) != during


def test_none_is_not_cached(org):
    scope = (org.pk,)
    assert counted.get_or_compute(scope, "none", compute=lambda: None) is None
    assert counted.get_or_compute(scope, "none", compute=lambda: "member") == "member"


def test_still_valid_refuses_what_time_made_stale(org):
    scope = (org.pk,)
    counted.get_or_compute(scope, "t", compute=lambda: {"until": 1})
    assert counted.get_or_compute(scope, "t", compute=lambda: {"until": 2}) == {"until": 1}
    value = counted.get_or_compute(scope, "t", compute=lambda: {"until": 2}, still_valid=lambda v: v["until"] > 1)
    assert value == {"until": 2}


def test_home_stats_follow_an_invitation_written_with_the_orm(org, admin):
    from tests.factories import InvitationFactory

    with organization_scope(org):
        before = organization_stats(organization=org)["pending_invitations"]
        InvitationFactory(organization=org)
        assert organization_stats(organization=org)["pending_invitations"] == before + 1


def test_every_declaration_carries_its_scope_and_names_real_models():
    from django.apps import apps

    for name, cached in declarations().items():
        assert set(cached.scope) <= {"organization", "user", "slug"}, name
        assert cached.entry_key(tuple(range(len(cached.scope))), "x").startswith(f"{name}:"), name
        for on in cached.on:
            model = apps.get_model(on.model)
            if not callable(on.scope):
                fields = {f.attname for f in model._meta.concrete_fields}
                assert set(on.scope) <= fields, (name, on)


# --- nothing outside the contract talks to the cache -------------------------------------------------------

CONTRACT = {"advocacy/core/cache.py", "advocacy/core/cache_backend.py"}
FORBIDDEN_IMPORTS = {"redis", "django.core.cache", "django_redis"}
FORBIDDEN_CALLS = {"bump", "drop", "get_many", "set_many", "delete_many"}
ALLOWED_NAMES = {"DEFAULT_CACHE_ALIAS"}  # a setting's default, not a client


def _app_sources():
    for folder in ("advocacy", "content_library", "policies", "monitoring", "recognition", "analytics"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in CONTRACT:
                yield relative, path.read_text()


def _offences(relative: str, source: str) -> list[str]:
    """Imports of a cache client (Django's cache or caches, redis, django-redis) and calls named like
    hand-made invalidation (`bump`, `drop`, `*_generation`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [f"{module}.{alias.name}" for alias in node.names if alias.name not in ALLOWED_NAMES]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in FORBIDDEN_CALLS or name.endswith("_generation"):
                found.append(f"{relative}:{node.lineno} calls {name}()")
            continue
        else:
            continue
        for name in names:
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IMPORTS):
                found.append(f"{relative}:{node.lineno} imports {name}")
    return found


def test_no_module_outside_the_contract_talks_to_the_cache():
    offences = [offence for relative, source in _app_sources() for offence in _offences(relative, source)]
    assert offences == [], "\n".join(offences)


def test_the_scan_finds_what_it_forbids():
    source = "from django.core.cache import cache\nimport redis\nfeed.bump(1)\nnew_generation(2)\n"
    assert len(_offences("x.py", source)) == 4


def test_factories_and_demo_data_make_no_cache_calls():
    for path in [*ROOT.glob("tests/**/factories.py"), *ROOT.glob("*/demo.py"), ROOT / "advocacy/demo.py"]:
        assert _offences(path.relative_to(ROOT).as_posix(), path.read_text()) == [], path


def test_values_round_trip_through_the_cache():
    """Integers are stored as digits (so incr works, as rate limits need) and everything else pickled."""
    from django.core.cache import cache

    values = {"int": 42, "negative": -7, "zero": 0, "text": "42", "list": [1, "a", None], "dict": {"k": (1, 2)}}
    values["bool"] = True
    cache.set_many({f"t:{k}": v for k, v in values.items()})
    assert cache.get_many([f"t:{k}" for k in values]) == {f"t:{k}": v for k, v in values.items()}
    assert cache.incr("t:int") == 43 and cache.get("t:int") == 43


def test_a_renamed_team_shows_in_its_members_cached_memberships(org):
    from advocacy.tenancy.selectors import membership_for_request
    from tests.factories import MembershipFactory, TeamFactory

    team = TeamFactory(organization=org, name="Old name")
    member = MembershipFactory(organization=org, team=team)
    with organization_scope(org):
        assert membership_for_request(organization=org, user=member.user).team.name == "Old name"
        team.name = "New name"
        team.save()
        assert membership_for_request(organization=org, user=member.user).team.name == "New name"
