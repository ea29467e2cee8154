"""Apps register themselves: what an app adds to the whole, declared in code it owns.

An app (a core sub-app or a feature app) sets `registration` on its AppConfig; the core collects
every installed app's registration once the apps are loaded, in INSTALLED_APPS order, and never
names a feature app itself. Adding an app touches INSTALLED_APPS and nothing else central:

    class NewsletterConfig(AppConfig):
        name = "newsletter"
        registration = AppRegistration(
            actions={"newsletter.view": EVERYONE, "newsletter.manage": ADMIN},  # action -> roles
            nav=(NavItem("Newsletter", "Issues", "newsletter_issues", "newsletter.view", "mail",
                         description="Past and coming issues.", position=300),),
            url_prefix="newsletter/",  # pages /o/<org_slug>/newsletter/..., API /api/v1/o/<org_slug>/newsletter/...
            urls="newsletter.urls", api_urls="newsletter.api_urls",
            beat={"newsletter-send": {"task": "newsletter.tasks.send_all", "schedule": crontab(minute=5)}},
            task_queues={"newsletter.tasks.send_issue": "mail"},  # task name or pattern -> one of QUEUES
            seeders=("newsletter.demo.seed",),  # f(demo) for `manage.py seed_demo`
            scale_steps=("newsletter.scale.generate_issues",),  # @scale_step functions (advocacy/core/scale.py)
            url_kwargs="tests.newsletter.url_kwargs.MAKERS",  # URL keyword -> maker(organization): meta-tests
        )

Only plain data lives in a registration (strings, dotted paths, roles, schedules): apps.py is imported
before the models, so nothing here imports an app's models, views or tasks; the collectors below
import the dotted paths when they are first asked, after the apps are ready, and keep the result.

The collectors, used by the core at start-up:

- `permission_actions()`: action -> role names (advocacy.permissions.ACTIONS is built from it);
  an action declared twice is an error.
- `nav_items()`: the sidebar entries, ordered by `position` (sections appear in the order of their
  first entry: Home 0, Content 100s, Policies 200s, ..., Administration 900s).
- `root_urlpatterns()`, `page_urlpatterns()`, `api_urlpatterns()`: for advocacy/urls.py (root
  routes first, then under /o/<org_slug>/ and /api/v1/o/<org_slug>/, includes with an empty prefix last).
- `beat_schedule()`: name -> Celery beat entry; `demo_seeders()`; `scale_steps()`;
  `url_kwarg_makers()`.
- `task_queue_rules()`: (task name or fnmatch pattern, queue) of every app, the most specific first, for the
  Celery router (advocacy/celery.py: a task no app routes goes to "mail" when its name contains "mail", else to
  "default"). (What an app caches, and the keys it wants fetched with the membership, it
  declares in its `caching.py`: see advocacy/core/cache.py.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from typing import Any

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import import_string

# The kinds of Celery queue (docs/scaling.md "Celery"): a worker per kind scales out on its own. An app sends its
# tasks to one in its registration (`task_queues`); advocacy/celery.py declares them and routes by them.
QUEUES = ("default", "rollups", "mail", "pulls")
DEFAULT_QUEUE = "default"
PATTERN_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class NavItem:
    """A sidebar entry, shown to members whose roles allow `action`, and its card on the home page."""

    section: str  # "" for the entry above every section (Home)
    label: str
    url_name: str  # a URL name under /o/<org_slug>/ taking only org_slug
    action: str
    icon: str = "dot"
    description: str = ""  # the line under its card on the organization home page
    position: int = 500  # lower first
    # dotted path of f(organization, membership) -> bool, for an entry that needs more than a role (an
    # organization setting, say): the entry shows only when it answers True. Name the same check the view
    # makes, so a link never leads to a 403. Imported on first use (advocacy/navigation.py), evaluated once per
    # request for members whose roles allow `action`.
    condition: str = ""


@dataclass(frozen=True)
class Route:
    """A URL pattern at the root of the site (no organization prefix), e.g. tracked links."""

    route: str  # as for django.urls.path
    view: str  # dotted path of the view function
    name: str


@dataclass(frozen=True)
class AppRegistration:
    """Everything an app adds to the whole. Every field is optional."""

    actions: Mapping[str, Iterable[str]] = field(default_factory=dict)  # action -> role names
    nav: tuple[NavItem, ...] = ()
    url_prefix: str = ""  # e.g. "newsletter/"; "" mounts the app's URLs at the organization's root
    urls: str | None = None  # URLconf module of the pages, under /o/<org_slug>/<url_prefix>
    api_urls: str | None = None  # URLconf module of the API, under /api/v1/o/<org_slug>/<url_prefix>
    root_routes: tuple[Route, ...] = ()  # the first URL patterns of the site
    beat: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # name -> {"task": ..., "schedule": ...}
    seeders: tuple[str, ...] = ()  # dotted paths of f(demo) for seed_demo (advocacy/demo.py), idempotent
    scale_steps: tuple[str, ...] = ()  # dotted paths of @scale_step functions for generate_scale_data
    url_kwargs: str | None = None  # dotted path of {URL keyword: maker(organization) -> value}, for tests
    # registered task name, or an fnmatch pattern ("<app>.tasks.*"), -> its queue, one of QUEUES
    task_queues: Mapping[str, str] = field(default_factory=dict)


@cache
def registrations() -> tuple[tuple[AppConfig, AppRegistration], ...]:
    """(app config, registration) of every installed app that declares one, in INSTALLED_APPS order."""
    apps.check_apps_ready()
    found = []
    for config in apps.get_app_configs():
        registration = getattr(config, "registration", None)
        if registration is None:
            continue
        if not isinstance(registration, AppRegistration):
            raise ImproperlyConfigured(f"{config.name}: AppConfig.registration must be an AppRegistration")
        found.append((config, registration))
    return tuple(found)


def merge(kind: str, declared: Iterable[tuple[str, Mapping]]) -> dict:
    """One dict from the (app name, mapping) pairs; a key declared by two apps is an error."""
    merged: dict = {}
    owner: dict = {}
    for app_name, mapping in declared:
        for key, value in mapping.items():
            if key in merged:
                raise ImproperlyConfigured(f"{kind} {key!r} is declared by both {owner[key]} and {app_name}")
            merged[key] = value
            owner[key] = app_name
    return merged


@cache
def permission_actions() -> dict[str, frozenset[str]]:
    declared = ((c.name, r.actions) for c, r in registrations())
    return {action: frozenset(roles) for action, roles in merge("action", declared).items()}


@cache
def nav_items() -> tuple[NavItem, ...]:
    items = [item for _, r in registrations() for item in r.nav]
    actions = permission_actions()
    unknown = [item.url_name for item in items if item.action not in actions]
    if unknown:
        raise ImproperlyConfigured(f"sidebar entries {unknown} name actions no app declares")
    return tuple(sorted(items, key=lambda item: item.position))  # stable: equal positions keep app order


def root_urlpatterns() -> list[URLPattern]:
    return [path(r.route, import_string(r.view), name=r.name) for _, reg in registrations() for r in reg.root_routes]


def _includes(attribute: str) -> list[URLResolver]:
    mounted = [(r.url_prefix, getattr(r, attribute)) for _, r in registrations() if getattr(r, attribute)]
    mounted.sort(key=lambda pair: pair[0] == "")  # an app at the organization's root last
    return [path(prefix, include(module)) for prefix, module in mounted]


def page_urlpatterns() -> list[URLResolver]:
    """Each app's pages, to include under /o/<org_slug>/."""
    return _includes("urls")


def api_urlpatterns() -> list[URLResolver]:
    """Each app's API, to include under /api/v1/o/<org_slug>/."""
    return _includes("api_urls")


@cache
def beat_schedule() -> dict[str, dict]:
    return {
        name: dict(entry) for name, entry in merge("beat entry", ((c.name, r.beat) for c, r in registrations())).items()
    }


@cache
def task_queue_rules() -> tuple[tuple[str, str], ...]:
    """(task name or pattern, queue) of every app: exact names first, then patterns, longer (more specific)
    patterns first. A queue outside QUEUES, or a name two apps declare, is an error."""
    declared = merge("task queue of", ((c.name, r.task_queues) for c, r in registrations()))
    unknown = sorted(f"{name} -> {queue!r}" for name, queue in declared.items() if queue not in QUEUES)
    if unknown:
        raise ImproperlyConfigured(f"task queues {unknown} name no queue of {QUEUES}")
    exact = [(name, queue) for name, queue in declared.items() if not PATTERN_CHARACTERS & set(name)]
    patterns = sorted(set(declared.items()) - set(exact), key=lambda item: -len(item[0]))
    return tuple(chain(exact, patterns))


@cache
def demo_seeders() -> tuple[Callable, ...]:
    return tuple(import_string(p) for _, r in registrations() for p in r.seeders)


@cache
def scale_steps() -> tuple[tuple[str, Callable], ...]:
    """(dotted path, step) in INSTALLED_APPS order: the core's members and organizations come first."""
    return tuple((p, import_string(p)) for _, r in registrations() for p in r.scale_steps)


@cache
def url_kwarg_makers() -> dict[str, Callable]:
    declared = ((c.name, import_string(r.url_kwargs)) for c, r in registrations() if r.url_kwargs)
    return merge("URL keyword", declared)
