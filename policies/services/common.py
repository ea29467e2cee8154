"""Helpers the policies services share: dates, links in emails, notifications through the mail outbox."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse

from advocacy.core import mail
from advocacy.tenancy.context import current_organization


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of a shorter month), by dateutil."""
    return day + relativedelta(months=months)


def add_months_dt(moment: datetime, months: int) -> datetime:
    return moment + relativedelta(months=months)


def org_url(organization, name, **kwargs) -> str:
    return settings.SITE_URL + reverse(f"policies_{name}", kwargs={"org_slug": organization.slug, **kwargs})


def mail_on_commit(recipients: list[str], subject: str, body: str, *, organization=None):
    """A notification (review requested, answer given) queued in the mail outbox with the change it follows,
    in the active organization's scope: sent once that commits, retried while the mail server is
    unreachable (advocacy.core.mail); a change that rolls back sends nothing."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    organization = organization or current_organization()
    mail.queue(
        organization,
        [mail.Mail(to=to, subject=subject, body=body, kind="policy_notification") for to in recipients],
    )
