"""Rewards: an admin defines them (a point cost and a stock); a member requests one with points they have
left; an admin approves (the ledger is debited by a "redemption" entry and one unit of stock is taken, in one
transaction) or declines with a reason. Stock never goes below zero and a balance never below zero, even when
two admins approve at once: the stock is taken by a conditional update, the balance is read under its row
lock."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record

from ..models import PointsEntry, PointsTotal, Reason, Redemption, Reward
from .ledger import _apply_to_rollups, day_of

MAX_COST = 1_000_000
MAX_STOCK = 100_000


def _reward_errors(name, description, cost, stock, reward=None) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the reward a name.")
    elif len(name) > 120:
        errors["name"] = _("A reward's name is at most 120 characters.")
    elif Reward.objects.filter(name__iexact=name).exclude(pk=getattr(reward, "pk", None)).exists():
        errors["name"] = _("There is already a reward with that name.")
    if len((description or "").strip()) > 500:
        errors["description"] = _("The description is at most 500 characters.")
    if not isinstance(cost, int) or isinstance(cost, bool) or not 1 <= cost <= MAX_COST:
        errors["cost"] = _("The cost is a whole number of points from 1 to %(max)s.") % {"max": MAX_COST}
    if not isinstance(stock, int) or isinstance(stock, bool) or not 0 <= stock <= MAX_STOCK:
        errors["stock"] = _("The stock is a whole number from 0 to %(max)s.") % {"max": MAX_STOCK}
    return errors


def reward_save(
    *, organization, actor, name: str, description: str = "", cost: int, stock: int, is_active=True, reward=None
) -> Reward:
    """Create a reward, or change one (`reward`); every error at once, by field; audited."""
    if reward is not None and reward.organization_id != organization.pk:
        raise Reward.DoesNotExist
    errors = _reward_errors(name, description, cost, stock, reward)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        reward = reward or Reward(organization=organization)
        created = reward.pk is None
        reward.name, reward.description = name.strip(), (description or "").strip()
        reward.cost, reward.stock, reward.is_active = cost, stock, bool(is_active)
        reward.save()
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.reward_created" if created else "recognition.reward_changed",
            target=reward,
            data={"cost": cost, "stock": stock, "active": reward.is_active},
        )
    return reward


def points_left(*, organization, user) -> int:
    """Points the member can still spend: earned (net of reversals) less spent, less what their open
    requests would cost."""
    total = PointsTotal.objects.filter(user=user).values_list("points", "spent").first() or (0, 0)
    pending = (
        Redemption.objects.filter(user=user, status=Redemption.Status.REQUESTED).aggregate(n=Sum("cost"))["n"] or 0
    )
    return total[0] - total[1] - pending


def redemption_request(*, organization, actor, reward: Reward) -> Redemption:
    """Ask for a reward; it needs enough points left (open requests count) and stock."""
    if reward.organization_id != organization.pk:
        raise Reward.DoesNotExist
    with transaction.atomic():
        PointsTotal.objects.bulk_create([PointsTotal(organization=organization, user=actor)], ignore_conflicts=True)
        PointsTotal.objects.select_for_update().filter(user=actor).first()  # one request of theirs at a time
        errors = []
        if not reward.is_active:
            errors.append(_("This reward is not offered any more."))
        elif reward.stock <= 0:
            errors.append(_("This reward is out of stock."))
        left = points_left(organization=organization, user=actor)
        if left < reward.cost:
            errors.append(
                _("It costs %(cost)s points and you have %(left)s left to spend.")
                % {"cost": reward.cost, "left": max(left, 0)}
            )
        if errors:
            raise ValidationError(errors)
        redemption = Redemption.objects.create(organization=organization, reward=reward, user=actor, cost=reward.cost)
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.redemption_requested",
            target=redemption,
            data={"reward": reward.pk, "cost": reward.cost},
        )
    return redemption


def _decided(redemption: Redemption, actor, status, note) -> None:
    redemption.status = status
    redemption.decided_at = timezone.now()
    redemption.decided_by = actor
    redemption.decision_note = note
    redemption.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])


def redemption_approve(*, organization, actor, redemption: Redemption, note: str = "") -> Redemption:
    """Approve a request: debit the member's points (a "redemption" ledger entry) and take one from stock."""
    if redemption.organization_id != organization.pk:
        raise Redemption.DoesNotExist
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError(_("The note is at most 500 characters."))
    with transaction.atomic():
        redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if redemption.status != Redemption.Status.REQUESTED:
            raise ValidationError(_("This request was already decided."))
        total = PointsTotal.objects.select_for_update().filter(user_id=redemption.user_id).first()
        balance = (total.points - total.spent) if total else 0
        if balance < redemption.cost:
            raise ValidationError(
                _("They have %(left)s points left, fewer than the %(cost)s it costs.")
                % {"left": max(balance, 0), "cost": redemption.cost}
            )
        taken = Reward.objects.filter(pk=redemption.reward_id, stock__gt=0).update(stock=F("stock") - 1)
        if not taken:
            raise ValidationError(_("This reward is out of stock."))
        now = timezone.now()
        entry = PointsEntry.objects.create(
            organization=organization,
            user_id=redemption.user_id,
            kind=PointsEntry.Kind.REDEMPTION,
            reason=Reason.REDEMPTION,
            source_kind="recognition.redemption",
            source_id=redemption.pk,
            points=-redemption.cost,
            occurred_at=now,
            day=day_of(now),
            note=note[:240],
            actor=actor,
        )
        _apply_to_rollups(organization, [entry])
        _decided(redemption, actor, Redemption.Status.APPROVED, note)
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.redemption_approved",
            target=redemption,
            data={"reward": redemption.reward_id, "cost": redemption.cost, "member": redemption.user_id},
        )
    return redemption


def redemption_decline(*, organization, actor, redemption: Redemption, note: str) -> Redemption:
    """Decline a request, saying why (the member sees the reason); nothing is debited."""
    if redemption.organization_id != organization.pk:
        raise Redemption.DoesNotExist
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the request is declined."))
    if len(note) > 500:
        raise ValidationError(_("The note is at most 500 characters."))
    with transaction.atomic():
        redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if redemption.status != Redemption.Status.REQUESTED:
            raise ValidationError(_("This request was already decided."))
        _decided(redemption, actor, Redemption.Status.DECLINED, note)
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.redemption_declined",
            target=redemption,
            data={"note": note},
        )
    return redemption
