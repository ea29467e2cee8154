"""Helpers the policies services share: dates, links in emails, notifications after commit."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

DEFAULT_REVIEW_MONTHS = 12


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months_dt(moment: datetime, months: int) -> datetime:
    return datetime.combine(add_months(moment.date(), months), moment.timetz())


def org_url(organization, name, **kwargs) -> str:
    return settings.SITE_URL + reverse(f"policies_{name}", kwargs={"org_slug": organization.slug, **kwargs})


def mail_on_commit(recipients: list[str], subject: str, body: str):
    recipients = [r for r in recipients if r]
    if not recipients:
        return

    def send():
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send(fail_silently=False)

    # A notification (review requested, answer given) follows a change that is saved either way: a mail
    # server failure is logged (Django logs a robust callback's error) instead of failing the saved request.
    transaction.on_commit(send, robust=True)
