"""Celery queues by kind (advocacy/celery.py, docs/scaling.md "Celery"): every beat task and the other tasks go to
the queue the docs name, apps declare their own routes (a new app adds no line to a central list), `make run`'s
one worker consumes every queue, and production runs one worker per queue and exactly one beat."""

import dataclasses
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery.bin.base import CLIContext
from celery.bin.worker import worker as worker_command
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from honcho.environ import parse_procfile

from advocacy.celery import app
from advocacy.core import registry

ROOT = Path(__file__).resolve().parents[2]


def routed(name: str, **options) -> str:
    """The queue Celery's router gives a task sent by `name` (as apply_async, send_task and beat send it)."""
    return app.amqp.router.route(options, name, (), {})["queue"].name


def documented() -> dict[str, str]:
    """Task name -> queue, from the table of docs/scaling.md's Celery section (| `queue` | `task`, ... |)."""
    text = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
    section = text.split("\n## Celery", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        queue = re.fullmatch(r"`(\w+)`", cells[0]) if len(cells) > 1 else None
        if queue:
            for name in re.findall(r"`(\w+(?:\.\w+)+)`", cells[1]):
                found[name] = queue.group(1)
    return found


def documented_rule(name: str) -> str:
    """What the docs say of a task their table does not name: mail if its name says so, else default."""
    return documented().get(name) or ("mail" if "mail" in name else "default")


def worker_queues(command: str) -> set[str]:
    """The queues a `celery -A advocacy worker ...` command consumes, parsed by Celery's own worker command."""
    words = shlex.split(command)
    options = words[words.index("worker") + 1 :]
    context = worker_command.make_context(
        "worker", options, obj=CLIContext(app=app, no_color=True, workdir=None, quiet=True)
    )
    queues = context.params["queues"]
    unknown = set(queues or ()) - set(app.amqp.queues)
    assert not unknown, f"{command!r} names queues no task is routed to: {unknown}"
    return set(queues) if queues else set(app.amqp.queues.consume_from)  # no -Q: every declared queue


def celery_commands(commands: list[str], kind: str) -> list[str]:
    return [command for command in commands if "celery" in command and f" {kind}" in command]


def procfile_commands(name: str) -> list[str]:
    return list(parse_procfile((ROOT / name).read_text(encoding="utf-8")).processes.values())


def compose_commands() -> list[str]:
    """The services' commands, their ${VARIABLE:-default} as Compose fills them when the variable is unset."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    return [
        shlex.join(re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", word) for word in service["command"])
        for service in services.values()
        if isinstance(service.get("command"), list)
    ]


def test_the_queue_kinds_are_declared_and_default_is_the_default():
    assert set(app.amqp.queues) == set(registry.QUEUES) == {"default", "rollups", "mail", "pulls"}
    assert app.conf.task_default_queue == "default"
    assert routed("nobody.tasks.declares_this") == "default"


def test_the_docs_name_a_queue_for_every_kind_of_work():
    table = documented()
    assert set(table.values()) >= {"default", "rollups", "mail", "pulls"}
    assert table["content_library.tasks.flush_org_clicks"] == "rollups"


@pytest.mark.parametrize(("entry", "task"), [(name, e["task"]) for name, e in registry.beat_schedule().items()])
def test_each_beat_task_goes_to_the_queue_the_docs_name(entry, task):
    assert routed(task) == documented_rule(task), entry


@pytest.mark.parametrize(("task", "queue"), sorted(documented().items()))
def test_each_task_the_docs_name_goes_to_that_queue(task, queue):
    assert routed(task) == queue


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("content_library.tasks.dispatch_click_flush", "rollups"),
        ("content_library.tasks.flush_org_clicks", "rollups"),
        ("content_library.tasks.maintain_share_partitions", "rollups"),
        ("content_library.tasks.send_weekly_digest", "mail"),
        ("policies.tasks.send_publish_reminders", "mail"),
        ("policies.tasks.send_team_reminder", "mail"),
        ("advocacy.core.tasks.send_outgoing_mail", "mail"),  # by its name: no app declares it
        ("advocacy.tenancy.tasks.process_roster_import", "default"),
        ("content_library.tasks.expire_content", "default"),
        ("content_library.tasks.weekly_digest_all", "default"),  # a fan-out: one small task per organization
        ("content_library.tasks.forget_tracked_links", "default"),
    ],
)
def test_a_sample_of_tasks_goes_to_its_queue(task, queue):
    assert routed(task) == queue


def test_every_task_an_app_routes_by_name_exists():
    app.loader.import_default_modules()  # the tasks modules, as a worker loads them
    exact = [name for name, _ in registry.task_queue_rules() if not registry.PATTERN_CHARACTERS & set(name)]
    assert exact and not [name for name in exact if name not in app.tasks]


def test_an_explicit_queue_still_wins():
    assert routed("content_library.tasks.flush_org_clicks", queue="mail") == "mail"


@pytest.fixture
def registration_of_audit():
    """Replace the audit app's registration for a test (as a new app would declare its own), then restore."""
    config = apps.get_app_config("audit")
    original = config.registration

    def declare(**fields):
        config.registration = dataclasses.replace(original, **fields)
        registry.registrations.cache_clear()
        registry.task_queue_rules.cache_clear()

    yield declare
    config.registration = original
    registry.registrations.cache_clear()
    registry.task_queue_rules.cache_clear()


def test_a_new_app_routes_its_tasks_from_its_own_registration(registration_of_audit):
    assert routed("newsletter.tasks.pull_feeds") == "default"
    registration_of_audit(task_queues={"newsletter.tasks.*": "pulls", "newsletter.tasks.send_mail_alerts": "default"})
    assert routed("newsletter.tasks.pull_feeds") == "pulls"  # a pattern
    assert routed("newsletter.tasks.send_mail_alerts") == "default"  # an exact name wins, over the mail rule too


def test_a_route_to_an_unknown_queue_is_a_clear_error(registration_of_audit):
    registration_of_audit(task_queues={"newsletter.tasks.*": "pull"})
    with pytest.raises(ImproperlyConfigured, match="name no queue of"):
        registry.task_queue_rules()


def test_make_run_starts_one_worker_that_consumes_every_queue_and_one_beat():
    commands = procfile_commands("Procfile.dev")
    (worker,) = celery_commands(commands, "worker")
    assert worker_queues(worker) == set(registry.QUEUES)
    assert len(celery_commands(commands, "beat")) == 1


@pytest.mark.parametrize("source", ["Procfile", "docker-compose.yml"])
def test_production_runs_one_worker_per_queue_and_exactly_one_beat(source):
    commands = procfile_commands(source) if source == "Procfile" else compose_commands()
    consumed = [worker_queues(command) for command in celery_commands(commands, "worker")]
    assert all(len(queues) == 1 for queues in consumed), consumed  # each kind scales on its own
    assert sorted(q for queues in consumed for q in queues) == sorted(registry.QUEUES)
    assert len(celery_commands(commands, "beat")) == 1
