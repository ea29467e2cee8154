"""Apps register themselves (advocacy/core/registry.py): what every installed app declares reaches the
permission map, the sidebar, the URLs, the beat schedule, the demo and scale data and the meta-tests;
and the core names no feature app."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver, reverse
from django.utils.module_loading import import_string

from advocacy.celery import app as celery_app
from advocacy.core import registry
from advocacy.core.registry import AppRegistration
from advocacy.navigation import DESCRIPTIONS, NAV, nav_links
from advocacy.permissions import ACTIONS, Role, allowed_actions, role_may

CORE = Path(registry.__file__).resolve().parents[1]  # advocacy/

REGISTERED = [(config.name, registration) for config, registration in registry.registrations()]


def feature_apps() -> list[str]:
    """Installed apps of this project outside the core package (the ones with a registration)."""
    return [name for name, _ in REGISTERED if not name.startswith("advocacy.")]


def test_the_core_and_the_three_feature_apps_register():
    names = [name for name, _ in REGISTERED]
    for expected in ("advocacy.core", "advocacy.tenancy", "advocacy.audit", "content_library", "policies"):
        assert expected in names
    assert set(feature_apps()) >= {"content_library", "policies"}


@pytest.mark.parametrize(("name", "registration"), REGISTERED, ids=[name for name, _ in REGISTERED])
def test_an_apps_actions_are_in_the_permission_map(name, registration):
    for action, roles in registration.actions.items():
        assert ACTIONS[action] == frozenset(Role(role) for role in roles), action
        for role in Role:
            assert role_may([role], action) == (role in roles)
            assert (action in allowed_actions([role])) == (role in roles)


def test_the_permission_map_holds_only_declared_actions():
    declared = {action for _, registration in REGISTERED for action in registration.actions}
    assert set(ACTIONS) == declared


def test_an_unknown_action_is_a_clear_error():
    with pytest.raises(KeyError, match="Unknown action 'nobody.declares'"):
        role_may([Role.ADMIN], "nobody.declares")


@pytest.mark.parametrize(("name", "registration"), REGISTERED, ids=[name for name, _ in REGISTERED])
def test_an_apps_sidebar_entries_resolve_and_show_with_their_action(name, registration):
    for item in registration.nav:
        assert item in NAV
        assert item.action in ACTIONS
        url = reverse(item.url_name, kwargs={"org_slug": "acme"})
        assert url.startswith("/o/acme/")
        links = {n: u for _, entries in nav_links("acme", frozenset({item.action})) for _, u, _, n in entries}
        assert links[item.url_name] == url
        assert DESCRIPTIONS.get(item.url_name) == (item.description or None)


def test_sidebar_sections_keep_their_order():
    sections = [section for section, _ in nav_links("acme", frozenset(ACTIONS))]
    assert sections == ["", "Content", "Policies", "Recognition", "Monitoring", "Analytics", "Administration"]
    home = nav_links("acme", frozenset(ACTIONS))[0][1]
    assert [label for label, *_ in home] == ["Home"]
    administration = dict(nav_links("acme", frozenset(ACTIONS)))["Administration"]
    assert [label for label, *_ in administration] == ["Members", "Teams", "Invitations", "Audit log", "Settings"]


@pytest.mark.parametrize(("name", "registration"), REGISTERED, ids=[name for name, _ in REGISTERED])
def test_an_apps_urls_are_mounted_under_the_organization(name, registration):
    mounted = {
        (str(outer.pattern), str(inner.pattern), inner.urlconf_module.__name__)
        for outer in get_resolver().url_patterns
        if str(outer.pattern) in ("o/<slug:org_slug>/", "api/v1/o/<slug:org_slug>/")
        for inner in outer.url_patterns
    }
    if registration.urls:
        assert ("o/<slug:org_slug>/", registration.url_prefix, registration.urls) in mounted
    if registration.api_urls:
        assert ("api/v1/o/<slug:org_slug>/", registration.url_prefix, registration.api_urls) in mounted


def test_root_routes_are_the_first_url_patterns():
    declared = [route for _, registration in REGISTERED for route in registration.root_routes]
    assert declared, "the tracked links are declared by the content library"
    first = get_resolver().url_patterns[: len(declared)]
    assert [(str(p.pattern), p.name) for p in first] == [(r.route, r.name) for r in declared]
    assert reverse("tracked_link", kwargs={"code": "abc"}) == "/l/abc"
    for pattern, route in zip(first, declared, strict=True):
        assert pattern.callback is import_string(route.view)


@pytest.mark.parametrize(("name", "registration"), REGISTERED, ids=[name for name, _ in REGISTERED])
def test_an_apps_beat_entries_are_in_the_celery_schedule(name, registration):
    schedule = celery_app.conf.beat_schedule
    for entry_name, entry in registration.beat.items():
        assert schedule[entry_name] == dict(entry)
        assert import_string(entry["task"]).name == entry["task"]  # a task that exists, by that name


def test_a_beat_scheduler_reads_every_entry():
    from celery.beat import Scheduler

    scheduler = Scheduler(app=celery_app, lazy=True)
    scheduler.merge_inplace(celery_app.conf.beat_schedule)
    declared = {name: entry for _, registration in REGISTERED for name, entry in registration.beat.items()}
    assert declared
    for name, entry in declared.items():
        assert scheduler.schedule[name].task == entry["task"]


@pytest.mark.parametrize(("name", "registration"), REGISTERED, ids=[name for name, _ in REGISTERED])
def test_an_apps_dotted_paths_import(name, registration):
    seeders = registry.demo_seeders()
    for path in registration.seeders:
        assert import_string(path) in seeders
    steps = dict(registry.scale_steps())
    for path in registration.scale_steps:
        assert getattr(steps[path], "scale_options", None) is not None, f"{path} lacks @scale_step"
    if registration.url_kwargs:
        makers = import_string(registration.url_kwargs)
        assert makers and all(registry.url_kwarg_makers()[k] is maker for k, maker in makers.items())


def test_the_core_scale_steps_run_first():
    paths = [path for path, _ in registry.scale_steps()]
    assert paths[:2] == ["advocacy.core.scale.generate_members", "advocacy.core.scale.generate_small_organizations"]


def test_a_key_declared_by_two_apps_is_an_error():
    with pytest.raises(ImproperlyConfigured, match="action 'x.view' is declared by both one and two"):
        registry.merge("action", [("one", {"x.view": {"admin"}}), ("two", {"x.view": {"hr"}})])


def test_a_registration_must_be_an_app_registration():
    config = apps.get_app_config("audit")
    registration = config.registration
    try:
        config.registration = {"actions": {}}
        registry.registrations.cache_clear()
        with pytest.raises(ImproperlyConfigured, match="advocacy.audit: AppConfig.registration"):
            registry.registrations()
    finally:
        config.registration = registration
        registry.registrations.cache_clear()
    assert isinstance(registry.registrations()[0][1], AppRegistration)


FEATURE_MENTION = r"(?:\bfrom\s+{0}\b|\bimport\s+{0}\b|[\"']{0}|\b{0}\.)"


def core_mentions_of(feature: str) -> list[str]:
    """Lines of the core package (advocacy/, settings and migrations aside) that name a feature app."""
    pattern = re.compile(FEATURE_MENTION.format(re.escape(feature)))
    found = []
    for source in sorted(CORE.rglob("*.py")):
        relative = source.relative_to(CORE)
        if relative.parts[0] == "settings.py" or "migrations" in relative.parts:
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"advocacy/{relative}:{number}: {line.strip()}")
    return found


def test_the_scan_finds_a_mention():
    pattern = re.compile(FEATURE_MENTION.format("policies"))
    for line in ("from policies import x", "import policies.tasks", '"policies.view"', "policies.caching.f()"):
        assert pattern.search(line), line
    assert not pattern.search("policies_of_the_house = 1  # the organization's policies")


@pytest.mark.parametrize("feature", feature_apps())
def test_the_core_names_no_feature_app(feature):
    assert not core_mentions_of(feature), "the core must not name a feature app; declare it in the app's registration"
