"""Moving an item through the queue: claim (explicit, expiring after a period without activity), release,
assign to another moderator, escalate to HR, legal (a named contact) or an admin, and moderators' notes. Each
runs under the item's row lock, bumps its version, appends to its history and is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.permissions import Role, role_may
from advocacy.tenancy.models import Membership

from ..models import ItemEvent, ReviewItem
from .common import ItemChanged, lock_item, mail_member, page_url, record, settings_for, touch

MAX_NOTE = 4000


def claim_holder(organization, item: ReviewItem, actor, *, now=None):
    """The moderator whose live claim keeps `actor` from acting on the item, or None."""
    if item.state != ReviewItem.State.CLAIMED or item.assignee_id in (None, actor.pk):
        return None
    minutes = settings_for(organization).claim_minutes
    return None if item.claim_expired(minutes, now) else item.assignee


def _refuse_if_claimed_by_other(organization, item: ReviewItem, actor, now) -> None:
    holder = claim_holder(organization, item, actor, now=now)
    if holder is not None:
        raise ItemChanged(
            _("%(name)s is working on this item; their claim expires after a period without activity.")
            % {"name": holder.display_name}
        )


def _refuse_if_resolved(item: ReviewItem) -> None:
    if item.state == ReviewItem.State.RESOLVED:
        from .common import changed_message

        raise ItemChanged(changed_message(item))


@transaction.atomic
def item_claim(*, organization, actor, item: ReviewItem, version: int | None = None) -> ReviewItem:
    """`actor` takes the item. Refused while someone else's claim is live or once the item is decided."""
    now = timezone.now()
    item = lock_item(organization, item, version=version)
    _refuse_if_resolved(item)
    if item.state == ReviewItem.State.CLAIMED and item.assignee_id == actor.pk:
        item.last_activity_at = now
        item.save(update_fields=["last_activity_at"])
        return item
    _refuse_if_claimed_by_other(organization, item, actor, now)
    item.claim(actor, now)
    touch(item, now)
    item.save()
    record(item, ItemEvent.Kind.CLAIMED, actor, _("Claimed by %(name)s") % {"name": actor.display_name}, now=now)
    audit_record(organization=organization, actor=actor, action="review.item_claimed", target=item)
    return item


@transaction.atomic
def item_release(*, organization, actor, item: ReviewItem) -> ReviewItem:
    now = timezone.now()
    item = lock_item(organization, item)
    if item.state != ReviewItem.State.CLAIMED:
        raise ValidationError(_("This item is not claimed."))
    _refuse_if_claimed_by_other(organization, item, actor, now)
    item.release()
    touch(item, now)
    item.save()
    record(item, ItemEvent.Kind.RELEASED, actor, _("Released by %(name)s") % {"name": actor.display_name}, now=now)
    audit_record(organization=organization, actor=actor, action="review.item_released", target=item)
    return item


def moderators(organization):
    """Active members who may triage (moderators and admins), for the assign form."""
    roles = [r for r in Role.values if role_may([r], "monitoring.triage")]
    return (
        Membership.objects.filter(organization=organization, is_active=True, roles__overlap=roles)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@transaction.atomic
def item_assign(*, organization, actor, item: ReviewItem, assignee_id) -> ReviewItem:
    """Give the item to another moderator (it is claimed in their name from now)."""
    now = timezone.now()
    membership = moderators(organization).filter(user_id=_int(assignee_id)).first()
    if membership is None:
        raise ValidationError({"assignee": [_("Choose a moderator of this organization.")]})
    item = lock_item(organization, item)
    _refuse_if_resolved(item)
    _refuse_if_claimed_by_other(organization, item, actor, now)
    assignee = membership.user
    item.claim(assignee, now)
    touch(item, now)
    item.save()
    text = _("Assigned to %(name)s by %(actor)s") % {"name": assignee.display_name, "actor": actor.display_name}
    record(item, ItemEvent.Kind.ASSIGNED, actor, text, now=now)
    audit_record(
        organization=organization,
        actor=actor,
        action="review.item_assigned",
        target=item,
        data={"assignee": assignee.pk},
    )
    if assignee.pk != actor.pk:
        mail_member(
            organization,
            assignee,
            _("A review item was assigned to you"),
            _("%(actor)s assigned you a review item.\n\nOpen it: %(url)s")
            % {"actor": actor.display_name, "url": page_url(organization, "review_item", item_id=item.pk)},
            kind="review_assigned",
        )
    return item


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _escalation_recipients(organization, to: str, review_settings) -> tuple[str, list]:
    if to == ReviewItem.EscalatedTo.LEGAL:
        name = review_settings.legal_contact_name or _("Legal")
        return name, [review_settings.legal_contact_email] if review_settings.legal_contact_email else []
    role = Role.HR if to == ReviewItem.EscalatedTo.HR else Role.ADMIN
    people = Membership.objects.filter(
        organization=organization, is_active=True, roles__contains=[role]
    ).select_related("user")
    return str(ReviewItem.EscalatedTo(to).label), [m.user.email for m in people if m.user.email]


@transaction.atomic
def item_escalate(*, organization, actor, item: ReviewItem, to: str, note: str = "") -> ReviewItem:
    """Hand the item to HR, legal (the organization's named contact) or the admins; they are told by email."""
    errors = {}
    if to not in ReviewItem.EscalatedTo.values:
        errors["to"] = [_("Choose who to escalate to.")]
    review_settings = settings_for(organization)
    if to == ReviewItem.EscalatedTo.LEGAL and not review_settings.legal_contact_email:
        errors["to"] = [_("Name the legal contact in the queue settings first.")]
    if len(note) > MAX_NOTE:
        errors["note"] = [_("Keep the note under %(max)s characters.") % {"max": MAX_NOTE}]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    item = lock_item(organization, item)
    _refuse_if_resolved(item)
    _refuse_if_claimed_by_other(organization, item, actor, now)
    contact, recipients = _escalation_recipients(organization, to, review_settings)
    if item.state == ReviewItem.State.ESCALATED:
        item.escalated_to, item.escalation_contact = to, contact
    else:
        item.escalate(to, contact, now)
    touch(item, now)
    item.save()
    text = _("Escalated to %(contact)s by %(actor)s") % {"contact": contact, "actor": actor.display_name}
    record(item, ItemEvent.Kind.ESCALATED, actor, f"{text}. {note}".strip() if note else text, now=now)
    audit_record(
        organization=organization,
        actor=actor,
        action="review.item_escalated",
        target=item,
        data={"to": to, "contact": contact},
    )
    url = page_url(organization, "review_item", item_id=item.pk)
    from advocacy.core import mail

    mail.queue(
        organization,
        [
            mail.Mail(
                to=address,
                subject=_("A flagged post needs your attention"),
                body=_("%(actor)s escalated a review item to you.\n\n%(note)s\n\nOpen it: %(url)s")
                % {"actor": actor.display_name, "note": note, "url": url},
                kind="review_escalated",
            )
            for address in recipients
        ],
    )
    return item


@transaction.atomic
def item_note(*, organization, actor, item: ReviewItem, text: str) -> ItemEvent:
    """A moderator's note on the item (part of its history; never shown to the member)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"note": [_("Write the note first.")]})
    if len(text) > MAX_NOTE:
        raise ValidationError({"note": [_("Keep the note under %(max)s characters.") % {"max": MAX_NOTE}]})
    now = timezone.now()
    if item.state == ReviewItem.State.CLAIMED and item.assignee_id == actor.pk:  # a note is activity
        ReviewItem.objects.filter(organization=organization, pk=item.pk).update(last_activity_at=now)
    return record(item, ItemEvent.Kind.NOTE, actor, text, now=now)
