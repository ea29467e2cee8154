"""The log says what needs attention, once (settings.LOGGING, advocacy/core/logs.py): an expected denial
(403) is one line at INFO without a traceback, printed by one handler; routine beat ticks are quiet at
INFO and there at DEBUG."""

import logging

import pytest
from django.urls import reverse

from advocacy.core.logs import routine_tasks

pytestmark = pytest.mark.django_db


def emitting_handlers(record: logging.LogRecord) -> list[logging.Handler]:
    """The handlers that would print `record`, walking from its logger up as logging does."""
    found = []
    logger = logging.getLogger(record.name)
    while logger:
        for handler in logger.handlers:
            if record.levelno >= handler.level and handler.filter(record):
                found.append(handler)
        if not logger.propagate:
            break
        logger = logger.parent
    return found


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_403_is_one_line_at_info_without_a_traceback(client_for, employee, org, caplog, settings, debug):
    settings.DEBUG = debug
    client = client_for(employee)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("audit_list", kwargs={"org_slug": org.slug}))
    assert response.status_code == 403
    denials = [r for r in caplog.records if r.name == "django.request"]
    assert len(denials) == 1
    (denial,) = denials
    assert denial.levelno == logging.INFO and denial.exc_info is None and denial.exc_text is None
    assert "Traceback" not in caplog.text and "\n" not in denial.getMessage()
    assert denial.getMessage() == f"Forbidden (Permission denied): /o/{org.slug}/audit/"
    # printed once: Django's own console handler (on in DEBUG) does not repeat what the root's prints
    printing = [h for h in emitting_handlers(denial) if not type(h).__module__.startswith("_pytest")]
    assert len(printing) == 1, printing


def test_other_errors_keep_their_level():
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",), None
    )
    record.status_code = 500
    for f in logging.getLogger("django.request").filters:
        f.filter(record)
    assert record.levelno == logging.ERROR


def beat_sends(name, task):
    logging.getLogger("celery.beat").info("Scheduler: Sending due task %s (%s)", name, task)


def worker_says(task):
    logging.getLogger("celery.app.trace").info(
        "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
        {"name": task, "id": "abc", "runtime": 0.01, "return_value": 0},
    )
    logging.getLogger("celery.worker.strategy").info("Task %(name)s[%(id)s] received", {"name": task, "id": "abc"})


def test_routine_beat_ticks_are_quiet_at_info_and_there_at_debug(caplog):
    flush = "content_library.tasks.dispatch_click_flush"  # every five seconds
    digest = "content_library.tasks.weekly_digest_all"  # weekly
    assert flush in routine_tasks() and digest not in routine_tasks()
    with caplog.at_level(logging.INFO):
        beat_sends("content-flush-clicks", flush)
        worker_says(flush)
        beat_sends("content-weekly-digest", digest)
        worker_says(digest)
    assert [r.getMessage() for r in caplog.records] == [
        f"Scheduler: Sending due task content-weekly-digest ({digest})",
        f"Task {digest}[abc] succeeded in 0.01s: 0",
        f"Task {digest}[abc] received",
    ]
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="celery"):
        beat_sends("content-flush-clicks", flush)
        worker_says(flush)
    assert [r.levelno for r in caplog.records] == [logging.DEBUG] * 3


def test_a_routine_tasks_warning_still_shows(caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("celery.app.trace").warning(
            "Task %(name)s[%(id)s] retry", {"name": "content_library.tasks.dispatch_click_flush", "id": "abc"}
        )
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
