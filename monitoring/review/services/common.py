"""What the review queue's services share: the organization's queue settings, history events, signals sent
after the commit, mail to the member, and the row lock that keeps two moderators from both deciding."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.core import mail

from .. import signals
from ..models import ItemEvent, Priority, ReviewItem, ReviewSettings

APPEAL_DAYS = 14


class ItemChanged(ValidationError):
    """Someone else changed the item first (decided it, say): the caller's form is out of date."""


def settings_for(organization) -> ReviewSettings:
    """The organization's queue settings (defaults when none are saved; not saved by reading)."""
    found = ReviewSettings.objects.filter(organization=organization).first()
    return found or ReviewSettings(organization=organization)


def due_for(review_settings: ReviewSettings, priority: int, start) -> timezone.datetime:
    return start + timedelta(hours=review_settings.hours_for(priority))


def event(item: ReviewItem, kind: str, actor=None, text: str = "", *, now=None) -> ItemEvent:
    return ItemEvent(
        organization_id=item.organization_id,
        item=item,
        kind=kind,
        actor=actor,
        text=text,
        created_at=now or timezone.now(),
    )


def record(item: ReviewItem, kind: str, actor=None, text: str = "", *, now=None) -> ItemEvent:
    """Append one history event (and tell listeners, e.g. an incident's timeline, after the commit)."""
    row = event(item, kind, actor, text, now=now)
    row.save()
    send_item_event(item, kind, text)
    return row


def send_item_event(item: ReviewItem, kind: str, text: str) -> None:
    organization_id, item_id = item.organization_id, item.pk

    def send():
        from advocacy.tenancy.models import Organization

        organization = Organization.objects.get(pk=organization_id)
        signals.item_event.send(sender=ReviewItem, organization=organization, item_id=item_id, kind=kind, text=text)

    transaction.on_commit(send, robust=True)


def lock_item(organization, item: ReviewItem, *, version: int | None = None) -> ReviewItem:
    """The item under its row lock. With `version` (what the moderator's page showed), a change since then is
    refused with who made it, so a second moderator never decides over the first."""
    # no select_related: a row another transaction changed while we waited for the lock is re-read, but an
    # outer join's row would not be, so the people are loaded after the lock
    locked = ReviewItem.objects.select_for_update().get(organization=organization, pk=item.pk)
    if version is not None and locked.version != version:
        raise ItemChanged(changed_message(locked))
    return locked


def changed_message(item: ReviewItem) -> str:
    if item.state == ReviewItem.State.RESOLVED and item.decided_by_id:
        return _("%(name)s already decided this item (%(outcome)s) on %(when)s.") % {
            "name": item.decided_by.display_name,
            "outcome": item.get_outcome_display().lower(),
            "when": timezone.localtime(item.decided_at).strftime("%d %b %Y, %H:%M"),
        }
    if item.state == ReviewItem.State.CLAIMED and item.assignee_id:
        return _("%(name)s changed this item first (it is now claimed by them). Reload to see it.") % {
            "name": item.assignee.display_name
        }
    return _("Someone else changed this item first (it is now %(state)s). Reload to see it.") % {
        "state": item.get_state_display().lower()
    }


def touch(item: ReviewItem, now) -> None:
    item.version += 1
    item.updated_at = now
    if item.state == ReviewItem.State.CLAIMED:
        item.last_activity_at = now


def page_url(organization, name: str, **kwargs) -> str:
    return django_settings.SITE_URL + reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def mail_member(organization, user, subject: str, body: str, kind: str = "review_notice") -> None:
    """An email to the member in the outbox, sent once the change it announces commits."""
    if user is None or not user.email:
        return
    mail.queue(organization, [mail.Mail(to=user.email, subject=subject, body=body, kind=kind)])


def priority_label(priority: int) -> str:
    return str(Priority(priority).label)
