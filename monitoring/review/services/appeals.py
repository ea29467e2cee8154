"""Appeals: the member may appeal a violation within 14 days, once, in words; a moderator other than the one
who decided, or HR, decides it. An overturn reverses the consequences: the suspension is lifted, the strike is
marked overruled (never deleted), open tasks are overruled, and the points the post earned are given back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.permissions import Role
from advocacy.tenancy.models import Membership
from recognition.services import points_restore_for_source

from ..models import Appeal, Consequence, Decision, ItemEvent, ReviewItem
from .common import mail_member, page_url, record

MAX_APPEAL = 4000
REVERSIBLE = (Consequence.Status.ACTIVE, Consequence.Status.DONE, Consequence.Status.MISSED, Consequence.Status.ENDED)


@transaction.atomic
def appeal_submit(*, organization, actor, decision: Decision, text: str) -> Appeal:
    """The member's one appeal of a violation decided about them, within the appeal window."""
    text = (text or "").strip()
    decision = Decision.objects.select_for_update(of=("self",)).get(organization=organization, pk=decision.pk)
    if decision.member_id != actor.pk:
        raise ValidationError(_("Only the member the decision is about can appeal it."))
    if Appeal.objects.filter(organization=organization, decision=decision).exists():
        raise ValidationError(_("You already appealed this decision; a decision can be appealed once."))
    if not decision.may_appeal_now:
        raise ValidationError(
            _("This decision can no longer be appealed (the 14 days have passed, or it was not a violation).")
        )
    if not text:
        raise ValidationError({"text": [_("Explain in your own words why the decision should change.")]})
    if len(text) > MAX_APPEAL:
        raise ValidationError({"text": [_("Keep the appeal under %(max)s characters.") % {"max": MAX_APPEAL}]})
    appeal = Appeal.objects.create(organization=organization, decision=decision, member=actor, text=text)
    record(decision.item, ItemEvent.Kind.APPEALED, actor, _("The member appealed the decision."))
    audit_record(
        organization=organization,
        actor=actor,
        action="review.appeal_submitted",
        target=decision.item,
        data={"appeal": appeal.pk},
    )
    _tell_deciders(organization, decision)
    return appeal


def _tell_deciders(organization, decision: Decision) -> None:
    people = Membership.objects.filter(
        organization=organization, is_active=True, roles__overlap=[Role.HR, Role.MODERATOR]
    ).select_related("user")
    url = page_url(organization, "review_item", item_id=decision.item_id)
    mail.queue(
        organization,
        [
            mail.Mail(
                to=m.user.email,
                subject=_("A member appealed a review decision"),
                body=_("Open the item to decide the appeal: %(url)s") % {"url": url},
                kind="review_appeal",
            )
            for m in people
            if m.user.email and m.user_id != decision.decided_by_id
        ],
    )


@transaction.atomic
def appeal_decide(*, organization, actor, appeal: Appeal, overturn: bool, response: str) -> Appeal:
    """Uphold or overturn. Refused for the moderator who made the decision, and for an appeal already decided
    (the second person is told who decided)."""
    response = (response or "").strip()
    # related rows are loaded after the lock (a join's rows are not re-read after waiting for it)
    appeal = Appeal.objects.select_for_update().get(organization=organization, pk=appeal.pk)
    decision = appeal.decision
    if appeal.state != Appeal.State.PENDING:
        raise ValidationError(
            _("%(name)s already decided this appeal.")
            % {"name": appeal.decided_by.display_name if appeal.decided_by else _("Someone")}
        )
    if decision.decided_by_id == actor.pk:
        raise ValidationError(_("Someone other than the moderator who made the decision must decide the appeal."))
    if not response:
        raise ValidationError({"response": [_("Write the answer the member will read.")]})
    now = timezone.now()
    appeal.state = Appeal.State.OVERTURNED if overturn else Appeal.State.UPHELD
    appeal.decided_by, appeal.decided_at, appeal.response = actor, now, response
    appeal.save()
    if overturn:
        _reverse(organization, actor, decision, now)
    text = _("Appeal decided by %(name)s: %(state)s") % {
        "name": actor.display_name,
        "state": appeal.get_state_display().lower(),
    }
    record(decision.item, ItemEvent.Kind.APPEAL_DECIDED, actor, text, now=now)
    audit_record(
        organization=organization,
        actor=actor,
        action="review.appeal_decided",
        target=decision.item,
        data={"appeal": appeal.pk, "overturned": overturn},
    )
    body = _("Your appeal was decided: %(state)s.\n\n%(response)s\n\n%(url)s") % {
        "state": appeal.get_state_display().lower(),
        "response": response,
        "url": page_url(organization, "review_my_record"),
    }
    mail_member(organization, appeal.member, _("Your appeal was decided"), body)
    return appeal


def _reverse(organization, actor, decision: Decision, now) -> None:
    """Undo what the violation did; the rows stay, marked overruled."""
    Consequence.objects.filter(organization=organization, decision=decision, status__in=REVERSIBLE).update(
        status=Consequence.Status.OVERRULED, overruled_at=now
    )
    decision.overturned_at = now
    decision.save(update_fields=["overturned_at"])
    item = ReviewItem.objects.select_for_update(of=("self",)).get(organization=organization, pk=decision.item_id)
    if item.state == ReviewItem.State.RESOLVED and item.outcome == ReviewItem.Outcome.VIOLATION:
        item.outcome = ReviewItem.Outcome.NO_VIOLATION
        item.version += 1
        item.save(update_fields=["outcome", "version"])
    source = (
        ("monitoring.post", item.post_id)
        if item.post_id
        else ("content.share", item.share_id)
        if item.share_id
        else None
    )
    if source:
        points_restore_for_source(
            organization=organization,
            actor=actor,
            source_kind=source[0],
            source_id=source[1],
            note=_("The decision was overturned on appeal."),
        )
