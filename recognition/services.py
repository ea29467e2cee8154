"""Every write of recognition: the awarding run (ledger rows from what the other apps record, idempotent and
capped per member and day), reversals, the rollups kept with the ledger and rebuilt from it, the organization's
points settings and a member's place on the public boards."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core.cache import rows_written

from . import sources
from .models import (
    DEFAULT_POINTS,
    AwardState,
    BoardPreference,
    PointsDaily,
    PointsEntry,
    PointsTotal,
    Reason,
    RecognitionSettings,
)
from .selectors import recognition_settings

# Each run looks this far behind its watermark: a share confirmed in a transaction that committed after the
# previous run began is still found (the ledger's unique key keeps it from counting twice).
WATERMARK_OVERLAP = datetime.timedelta(minutes=10)
MAX_POINTS = 1000
MAX_DAILY_CAP = 10000


def day_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


# --- rollups ------------------------------------------------------------------------------------------


def _apply_to_rollups(organization, entries: list[PointsEntry]) -> None:
    """Add the entries' points to the daily and all-time rollups (atomic increments: upserts)."""
    by_day: dict[tuple[int, datetime.date], int] = defaultdict(int)
    by_user: dict[int, int] = defaultdict(int)
    for entry in entries:
        if entry.points:
            by_day[(entry.user_id, entry.day)] += entry.points
            by_user[entry.user_id] += entry.points
    if not by_user:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO recognition_pointsdaily (organization_id, user_id, day, points) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (organization_id, user_id, day) "
            "DO UPDATE SET points = recognition_pointsdaily.points + EXCLUDED.points",
            [(organization.pk, user_id, day, points) for (user_id, day), points in sorted(by_day.items())],
        )
        cursor.executemany(
            "INSERT INTO recognition_pointstotal (organization_id, user_id, points) VALUES (%s, %s, %s) "
            "ON CONFLICT (organization_id, user_id) "
            "DO UPDATE SET points = recognition_pointstotal.points + EXCLUDED.points",
            [(organization.pk, user_id, points) for user_id, points in sorted(by_user.items())],
        )
    rows_written(PointsDaily, organization_id=organization.pk)
    rows_written(PointsTotal, organization_id=organization.pk)


def _locked_state(organization) -> AwardState:
    """The organization's awarding state, locked until the transaction ends (one awarding run or rebuild at a
    time per organization)."""
    AwardState.objects.bulk_create([AwardState(organization=organization)], ignore_conflicts=True)
    return AwardState.objects.select_for_update().get()


def rollups_rebuild(*, organization) -> int:
    """Recompute the organization's rollups from its ledger; returns the number of members with a total."""
    with transaction.atomic():
        _locked_state(organization)
        PointsDaily.objects.all().delete()
        PointsTotal.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO recognition_pointsdaily (organization_id, user_id, day, points) "
                "SELECT organization_id, user_id, day, SUM(points) FROM recognition_pointsentry "
                "WHERE organization_id = %s GROUP BY organization_id, user_id, day HAVING SUM(points) <> 0",
                [organization.pk],
            )
            cursor.execute(
                "INSERT INTO recognition_pointstotal (organization_id, user_id, points) "
                "SELECT organization_id, user_id, SUM(points) FROM recognition_pointsentry "
                "WHERE organization_id = %s GROUP BY organization_id, user_id",
                [organization.pk],
            )
            members = cursor.rowcount
        rows_written(PointsDaily, organization_id=organization.pk)
        rows_written(PointsTotal, organization_id=organization.pk)
    return members


# --- awarding -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardResult:
    awarded: int  # new ledger rows
    points: int  # their points after the cap
    capped: int  # rows cut by the daily cap (fully or in part)


def _existing_keys(candidates: list[sources.Candidate]) -> set[tuple]:
    keys = set()
    by_kind: dict[str, set[int]] = defaultdict(set)
    for candidate in candidates:
        by_kind[candidate.source_kind].add(candidate.source_id)
    for source_kind, ids in by_kind.items():
        keys |= set(
            PointsEntry.objects.filter(kind=PointsEntry.Kind.AWARD, source_kind=source_kind, source_id__in=ids)
            .values_list("user_id", "reason", "source_kind", "source_id")
            .iterator()
        )
    return keys


def _awarded_so_far(new: list[sources.Candidate]) -> dict[tuple[int, datetime.date], int]:
    """Points already awarded (before reversals) to these members on these days: what the cap counts."""
    users = {c.user_id for c in new}
    days = {day_of(c.occurred_at) for c in new}
    rows = (
        PointsEntry.objects.filter(kind=PointsEntry.Kind.AWARD, user_id__in=users, day__in=days)
        .values("user_id", "day")
        .annotate(total=Sum("points"))
    )
    return {(row["user_id"], row["day"]): row["total"] for row in rows}


def points_award(*, organization, candidates: list[sources.Candidate]) -> AwardResult:
    """Write ledger rows for the candidates not yet in the ledger, capped per member and day; call under the
    awarding state's lock (points_award_run)."""
    existing = _existing_keys(candidates)
    seen, new = set(), []
    for candidate in sorted(candidates, key=lambda c: (c.occurred_at, c.source_kind, c.source_id)):
        key = (candidate.user_id, candidate.reason, candidate.source_kind, candidate.source_id)
        if key not in existing and key not in seen:
            seen.add(key)
            new.append(candidate)
    if not new:
        return AwardResult(0, 0, 0)
    config = recognition_settings(organization)
    so_far = _awarded_so_far(new)
    entries, capped = [], 0
    for candidate in new:
        day = day_of(candidate.occurred_at)
        wanted = config.points_for(candidate.reason)
        room = max(config.daily_cap - so_far.get((candidate.user_id, day), 0), 0)
        points = min(wanted, room)
        capped += points < wanted
        so_far[(candidate.user_id, day)] = so_far.get((candidate.user_id, day), 0) + points
        entries.append(
            PointsEntry(
                organization=organization,
                user_id=candidate.user_id,
                reason=candidate.reason,
                source_kind=candidate.source_kind,
                source_id=candidate.source_id,
                points=points,
                occurred_at=candidate.occurred_at,
                day=day,
                note=_("daily cap reached") if points < wanted else "",
            )
        )
    PointsEntry.objects.bulk_create(entries)
    _apply_to_rollups(organization, entries)
    return AwardResult(len(entries), sum(e.points for e in entries), capped)


def points_award_run(*, organization, now: datetime.datetime | None = None) -> AwardResult:
    """One awarding run: what the other apps recorded since the watermark (less an overlap), into the ledger.
    Re-running it, or running it again over the same span, awards nothing twice."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked_state(organization)
        since = state.watermark - WATERMARK_OVERLAP if state.watermark else None
        result = points_award(organization=organization, candidates=sources.candidates(since=since, until=now))
        state.watermark = now
        state.last_run_at = timezone.now()
        state.save(update_fields=["watermark", "last_run_at"])
    return result


# --- reversals ----------------------------------------------------------------------------------------


def points_reverse(*, organization, actor, entry: PointsEntry, note: str) -> PointsEntry:
    """Take back an award: a reversal entry of the opposite points, in the same day's bucket. Once per award."""
    note = (note or "").strip()
    errors = []
    if entry.organization_id != organization.pk:
        raise PointsEntry.DoesNotExist
    if entry.kind != PointsEntry.Kind.AWARD:
        errors.append(_("Only an award can be reversed."))
    if not note:
        errors.append(_("Say why the points are taken back."))
    elif len(note) > 240:
        errors.append(_("The reason is at most 240 characters."))
    if errors:
        raise ValidationError(errors)
    reversal = PointsEntry(
        organization=organization,
        user_id=entry.user_id,
        kind=PointsEntry.Kind.REVERSAL,
        reason=entry.reason,
        source_kind=entry.source_kind,
        source_id=entry.source_id,
        points=-entry.points,
        occurred_at=entry.occurred_at,
        day=entry.day,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            _locked_state(organization)  # not while an awarding run or a rebuild of this organization is writing
            reversal.save()
            _apply_to_rollups(organization, [reversal])
            audit_record(
                organization=organization,
                actor=actor,
                action="recognition.points_reversed",
                target=entry,
                data={"points": entry.points, "reason": entry.reason, "member": entry.user_id, "note": note},
            )
    except IntegrityError:
        raise ValidationError(_("These points were already taken back.")) from None
    return reversal


# --- settings and preferences -------------------------------------------------------------------------


def recognition_settings_update(
    *, organization, actor, points: dict[str, int], daily_cap: int, leaderboards_enabled: bool
) -> RecognitionSettings:
    """Set the points per reason, the daily cap and whether the leaderboards are on; every error at once."""
    errors = []
    clean = {}
    for reason, value in points.items():
        if reason not in Reason.values:
            errors.append(_("Unknown reason: %(reason)s.") % {"reason": reason})
        elif not isinstance(value, int) or not 0 <= value <= MAX_POINTS:
            errors.append(
                _("Points for “%(reason)s” must be a whole number from 0 to %(max)s.")
                % {"reason": Reason(reason).label, "max": MAX_POINTS}
            )
        else:
            clean[reason] = value
    if not isinstance(daily_cap, int) or not 0 <= daily_cap <= MAX_DAILY_CAP:
        errors.append(_("The daily cap must be a whole number from 0 to %(max)s.") % {"max": MAX_DAILY_CAP})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _created = RecognitionSettings.objects.get_or_create(organization=organization)
        before = {"points": row.points, "daily_cap": row.daily_cap, "leaderboards_enabled": row.leaderboards_enabled}
        row.points = {
            reason: clean.get(reason, row.points.get(reason, DEFAULT_POINTS[reason])) for reason in Reason.values
        }
        row.daily_cap = daily_cap
        row.leaderboards_enabled = leaderboards_enabled
        row.save()
        after = {"points": row.points, "daily_cap": row.daily_cap, "leaderboards_enabled": row.leaderboards_enabled}
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.settings_changed",
            data={"before": before, "after": after},
        )
    return row


def leaderboards_switch(*, organization, actor, enabled: bool) -> RecognitionSettings:
    config = recognition_settings(organization)
    return recognition_settings_update(
        organization=organization,
        actor=actor,
        points=dict(config.points),
        daily_cap=config.daily_cap,
        leaderboards_enabled=enabled,
    )


def board_preference_set(*, organization, actor, visibility: str) -> BoardPreference:
    """How `actor` appears on the public boards (a member decides for themself only)."""
    if visibility not in BoardPreference.Visibility.values:
        raise ValidationError(_("Choose how you appear on the boards."))
    row, _created = BoardPreference.objects.update_or_create(
        organization=organization, user=actor, defaults={"visibility": visibility}
    )
    return row
