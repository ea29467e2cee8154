"""Kudos: a member thanks another (optionally for one of the receiver's shares), at most KUDOS_PER_DAY a day
per giver; kudos can be reported by anyone who sees them, and an admin keeps or hides a reported one (hiding
takes back the points it earned)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.tenancy.models import Membership
from content_library.models import Share

from ..models import Kudos, KudosReport
from .badges import badges_evaluate
from .ledger import points_reverse_for_source

KUDOS_PER_DAY = 5
MESSAGE_MAX = 500


def _start_of_today() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))


def kudos_left_today(*, organization, actor) -> int:
    given = Kudos.objects.filter(giver=actor, created_at__gte=_start_of_today()).count()
    return max(KUDOS_PER_DAY - given, 0)


def _kudos_errors(organization, actor, receiver_id, message, share_id) -> tuple[dict, object]:
    errors, share = {}, None
    receiver = (
        Membership.objects.active().filter(user_id=receiver_id).select_related("user").first()
        if str(receiver_id or "").isdigit()
        else None
    )
    if receiver is None:
        errors["receiver"] = _("Choose a colleague from this organization.")
    elif receiver.user_id == actor.pk:
        errors["receiver"] = _("Kudos are for someone else.")
    message = (message or "").strip()
    if not message:
        errors["message"] = _("Write a few words of thanks.")
    elif len(message) > MESSAGE_MAX:
        errors["message"] = _("A message is at most %(max)s characters.") % {"max": MESSAGE_MAX}
    if share_id not in (None, ""):
        share = (
            Share.objects.filter(pk=share_id, status=Share.Status.CONFIRMED).first()
            if str(share_id).isdigit()
            else None
        )
        if share is None or (receiver is not None and share.user_id != receiver.user_id):
            errors["share"] = _("Choose one of their shares, or none.")
    return errors, (receiver.user if receiver else None, message, share)


def kudos_give(*, organization, actor, receiver_id, message: str, share_id=None) -> Kudos:
    """Thank a colleague; every error at once, by field. The daily limit holds under concurrent requests
    (the giver's membership row is locked while counting)."""
    errors, (receiver, message, share) = _kudos_errors(organization, actor, receiver_id, message, share_id)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Membership.objects.select_for_update().filter(user=actor).first()
        if kudos_left_today(organization=organization, actor=actor) <= 0:
            raise ValidationError(
                {"message": _("You have given %(n)s kudos today, the most for one day.") % {"n": KUDOS_PER_DAY}}
            )
        kudos = Kudos.objects.create(
            organization=organization, giver=actor, receiver=receiver, message=message, share=share
        )
        badges_evaluate(organization=organization, user_ids=[actor.pk])
    return kudos


def kudos_report(*, organization, actor, kudos: Kudos, reason: str) -> KudosReport:
    """Report a kudos for an admin to look at (once per member and kudos)."""
    if kudos.organization_id != organization.pk:
        raise Kudos.DoesNotExist
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with it.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason is at most 500 characters.")})
    try:
        with transaction.atomic():
            report = KudosReport.objects.create(organization=organization, kudos=kudos, reporter=actor, reason=reason)
    except IntegrityError:
        raise ValidationError({"reason": _("You already reported this.")}) from None
    return report


def kudos_resolve(*, organization, actor, kudos: Kudos, hide: bool, note: str = "") -> Kudos:
    """An admin keeps a reported kudos or hides it from the wall (its points are taken back); audited."""
    if kudos.organization_id != organization.pk:
        raise Kudos.DoesNotExist
    with transaction.atomic():
        kudos = Kudos.objects.select_for_update().get(pk=kudos.pk)
        now = timezone.now()
        if hide and kudos.hidden_at is None:
            kudos.hidden_at = now
            kudos.save(update_fields=["hidden_at"])
            points_reverse_for_source(
                organization=organization,
                actor=actor,
                source_kind="recognition.kudos",
                source_id=kudos.pk,
                note=(note or "").strip()[:240] or _("Kudos hidden after a report"),
            )
        KudosReport.objects.filter(kudos=kudos, resolved_at__isnull=True).update(
            resolved_at=now, resolution="hidden" if hide else "kept"
        )
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.kudos_hidden" if hide else "recognition.kudos_kept",
            target=kudos,
            data={"note": (note or "").strip()[:240]},
        )
    return kudos
