import pytest
from django.core import mail

from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.digest import send_weekly_digest
from tests.content_library.factories import ContentItemFactory

pytestmark = pytest.mark.django_db


def test_weekly_digest_once_per_week_and_respects_opt_out(org, employee, admin, django_capture_on_commit_callbacks):
    ContentItemFactory(organization=org, title="New this week: <b>launch</b>")
    with organization_scope(org):
        services.preference_update(organization=org, actor=admin, weekly_digest=False)
    # queued in the mail outbox with each member's weekly record, sent once that commits
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digest(organization=org) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digest(organization=org) == 0  # the task running twice sends nothing more
    assert [m.to for m in mail.outbox] == [[employee.email]]
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "New this week: &lt;b&gt;launch&lt;/b&gt;" in html
    assert "New this week: <b>launch</b>" in message.body  # plain text is not HTML-escaped
    assert "?network=linkedin" in html and "/content/preferences/" in message.body


def test_no_digest_without_new_content(org, employee):
    assert send_weekly_digest(organization=org) == 0
    assert mail.outbox == []
