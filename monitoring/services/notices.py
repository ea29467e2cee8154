"""The emails a member gets about their connected accounts (sent through the mail outbox, advocacy.core.mail):
when a pull finds the access expired or revoked, and a week before a token expires."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from advocacy.core import mail
from monitoring.models import ConnectedAccount

from .accounts import EXPIRY_WARNING


def accounts_url(organization) -> str:
    return settings.SITE_URL + reverse("monitoring_accounts", kwargs={"org_slug": organization.slug})


def _context(organization, account) -> dict:
    return {
        "organization": organization,
        "account": account,
        "network": account.get_network_display(),
        "name": account.user.get_full_name() if hasattr(account.user, "get_full_name") else "",
        "url": accounts_url(organization),
    }


def expired_mail(organization, account: ConnectedAccount) -> mail.Mail:
    body = mail.render_text("monitoring/accounts/mail_expired.txt", _context(organization, account))
    return mail.Mail(
        to=account.user.email,
        subject=f"Reconnect your {account.get_network_display()} account {account.handle}",
        body=body,
        kind="monitoring_account_expired",
        refs={"account": account.pk},
    )


def expiring_mail(organization, account: ConnectedAccount) -> mail.Mail:
    body = mail.render_text("monitoring/accounts/mail_expiring.txt", _context(organization, account))
    return mail.Mail(
        to=account.user.email,
        subject=f"Your {account.get_network_display()} connection expires on {account.token_expires_at:%d %B %Y}",
        body=body,
        kind="monitoring_account_expiring",
        refs={"account": account.pk},
    )


def expiry_warnings_send(*, organization, now: datetime.datetime | None = None) -> int:
    """Email each member whose token expires within a week, once per token (a new token is warned again)."""
    now = now or timezone.now()
    due = (
        ConnectedAccount.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(
            organization=organization,
            state=ConnectedAccount.State.CONNECTED,
            token_expires_at__isnull=False,
            token_expires_at__gt=now,
            token_expires_at__lte=now + EXPIRY_WARNING,
        )
        .filter(Q(expiry_warned_at__isnull=True) | Q(expiry_warned_at__lt=now - EXPIRY_WARNING))
    )
    accounts = list(due)
    if accounts:
        mail.queue(organization, [expiring_mail(organization, a) for a in accounts])
        ConnectedAccount.objects.filter(organization=organization, pk__in=[a.pk for a in accounts]).update(
            expiry_warned_at=now
        )
    return len(accounts)
