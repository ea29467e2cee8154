"""Every write of recognition: the awarding run (ledger rows from what the other apps record, idempotent and
capped per member and day), reversals, the rollups kept with the ledger and rebuilt from it, the organization's
points settings and a member's place on the public boards."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core.cache import rows_written
from advocacy.permissions import Role

from .. import sources
from ..models import (
    DEFAULT_POINTS,
    EARNING_REASONS,
    AwardState,
    BoardPreference,
    PointsDaily,
    PointsEntry,
    PointsTotal,
    Reason,
    RecognitionSettings,
)
from ..selectors import recognition_settings
from .badges import badges_evaluate

# Each run looks this far behind its watermark: a share confirmed in a transaction that committed after the
# previous run began is still found (the ledger's unique key keeps it from counting twice).
WATERMARK_OVERLAP = datetime.timedelta(minutes=10)
MAX_POINTS = 1000
MAX_DAILY_CAP = 10000
MAX_CLICKS = 1000


def day_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


# --- rollups ------------------------------------------------------------------------------------------


def _apply_to_rollups(organization, entries: list[PointsEntry]) -> None:
    """Add the entries' points to the daily and all-time rollups (atomic increments: upserts). A redemption
    adds to what the member spent, not to what the boards rank."""
    by_day: dict[tuple[int, datetime.date], int] = defaultdict(int)
    by_user: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        if not entry.points:
            continue
        if entry.kind == PointsEntry.Kind.REDEMPTION:
            by_user[entry.user_id][1] -= entry.points
        else:
            by_day[(entry.user_id, entry.day)] += entry.points
            by_user[entry.user_id][0] += entry.points
    if not by_user:
        return
    with connection.cursor() as cursor:
        if by_day:
            cursor.executemany(
                "INSERT INTO recognition_pointsdaily (organization_id, user_id, day, points) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (organization_id, user_id, day) "
                "DO UPDATE SET points = recognition_pointsdaily.points + EXCLUDED.points",
                [(organization.pk, user_id, day, points) for (user_id, day), points in sorted(by_day.items())],
            )
        cursor.executemany(
            "INSERT INTO recognition_pointstotal (organization_id, user_id, points, spent) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (organization_id, user_id) DO UPDATE SET points = recognition_pointstotal.points "
            "+ EXCLUDED.points, spent = recognition_pointstotal.spent + EXCLUDED.spent",
            [(organization.pk, user_id, earned, spent) for user_id, (earned, spent) in sorted(by_user.items())],
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
                "WHERE organization_id = %s AND kind <> 'redemption' "
                "GROUP BY organization_id, user_id, day HAVING SUM(points) <> 0",
                [organization.pk],
            )
            cursor.execute(
                "INSERT INTO recognition_pointstotal (organization_id, user_id, points, spent) "
                "SELECT organization_id, user_id, COALESCE(SUM(points) FILTER (WHERE kind <> 'redemption'), 0), "
                "COALESCE(-SUM(points) FILTER (WHERE kind = 'redemption'), 0) FROM recognition_pointsentry "
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
    members: frozenset = frozenset()  # the members who earned


def _key(candidate: sources.Candidate) -> tuple:
    return (candidate.user_id, candidate.reason, candidate.source_kind, candidate.source_id, candidate.day)


def _existing_keys(candidates: list[sources.Candidate]) -> set[tuple]:
    keys = set()
    by_kind: dict[str, set[int]] = defaultdict(set)
    for candidate in candidates:
        by_kind[candidate.source_kind].add(candidate.source_id)
    for source_kind, ids in by_kind.items():
        keys |= set(
            PointsEntry.objects.filter(kind=PointsEntry.Kind.AWARD, source_kind=source_kind, source_id__in=ids)
            .values_list("user_id", "reason", "source_kind", "source_id", "day")
            .iterator()
        )
    return keys


def _held_sources(candidates: list[sources.Candidate]) -> set[tuple[str, int]]:
    """Sources whose points are taken back now (more reversals than restorations): they earn nothing new
    (a share found to break policy earns no clicks after the decision) until an appeal restores them."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for candidate in candidates:
        by_kind[candidate.source_kind].add(candidate.source_id)
    held = set()
    for source_kind, ids in by_kind.items():
        rows = (
            PointsEntry.objects.filter(
                kind__in=[PointsEntry.Kind.REVERSAL, PointsEntry.Kind.RESTORATION],
                source_kind=source_kind,
                source_id__in=ids,
            )
            .values("source_id")
            .annotate(
                reversals=Count("pk", filter=Q(kind=PointsEntry.Kind.REVERSAL)),
                restorations=Count("pk", filter=Q(kind=PointsEntry.Kind.RESTORATION)),
            )
        )
        held |= {(source_kind, row["source_id"]) for row in rows if row["reversals"] > row["restorations"]}
    return held


def _awarded_so_far(new: list[sources.Candidate]) -> dict[tuple[int, datetime.date], int]:
    """Points already awarded (before reversals) to these members on these days: what the cap counts."""
    users = {c.user_id for c in new}
    days = {c.day for c in new}
    rows = (
        PointsEntry.objects.filter(kind=PointsEntry.Kind.AWARD, user_id__in=users, day__in=days)
        .values("user_id", "day")
        .annotate(total=Sum("points"))
    )
    return {(row["user_id"], row["day"]): row["total"] for row in rows}


def _new_candidates(candidates: list[sources.Candidate]) -> list[sources.Candidate]:
    existing = _existing_keys(candidates)
    held = _held_sources(candidates)
    seen, new = set(), []
    for candidate in sorted(candidates, key=lambda c: (c.occurred_at, c.source_kind, c.source_id)):
        key = _key(candidate)
        if key not in existing and key not in seen and (candidate.source_kind, candidate.source_id) not in held:
            seen.add(key)
            new.append(candidate)
    return new


def points_award(*, organization, candidates: list[sources.Candidate]) -> AwardResult:
    """Write ledger rows for the candidates not yet in the ledger, capped per member and day; call under the
    awarding state's lock (points_award_run)."""
    new = _new_candidates(candidates)
    if not new:
        return AwardResult(0, 0, 0)
    config = recognition_settings(organization)
    so_far = _awarded_so_far(new)
    entries, capped = [], 0
    for candidate in new:
        wanted = config.points_for(candidate.reason) * candidate.units
        room = max(config.daily_cap - so_far.get((candidate.user_id, candidate.day), 0), 0)
        points = min(wanted, room)
        capped += points < wanted
        so_far[(candidate.user_id, candidate.day)] = so_far.get((candidate.user_id, candidate.day), 0) + points
        entries.append(
            PointsEntry(
                organization=organization,
                user_id=candidate.user_id,
                reason=candidate.reason,
                source_kind=candidate.source_kind,
                source_id=candidate.source_id,
                points=points,
                occurred_at=candidate.occurred_at,
                day=candidate.day,
                note=_("daily cap reached") if points < wanted else "",
            )
        )
    PointsEntry.objects.bulk_create(entries)
    _apply_to_rollups(organization, entries)
    members = frozenset(e.user_id for e in entries)
    return AwardResult(len(entries), sum(e.points for e in entries), capped, members)


def points_award_run(*, organization, now: datetime.datetime | None = None) -> AwardResult:
    """One awarding run: what the other apps recorded since the watermark (less an overlap), into the ledger.
    Re-running it, or running it again over the same span, awards nothing twice."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked_state(organization)
        since = state.watermark - WATERMARK_OVERLAP if state.watermark else None
        found = sources.candidates(organization=organization, since=since, until=now)
        result = points_award(organization=organization, candidates=found)
        state.watermark = now
        state.last_run_at = timezone.now()
        state.save(update_fields=["watermark", "last_run_at"])
        badges_evaluate(organization=organization, user_ids=result.members)  # the badges those points reach
    return result


# --- reversals and restorations ------------------------------------------------------------------------
#
# The ledger never changes: taking points back writes a reversal (the award's points, negated, in the award's
# day), and giving them back writes a restoration (the award's points again). An award's n-th reversal and its
# n-th restoration carry generation n-1, so each step can happen once: replaying a decision or an appeal (a task
# retried, a message delivered twice) finds the step done and writes nothing.


def _note(note: str, *, giving_back: bool = False) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            _("Say why the points are given back.") if giving_back else _("Say why the points are taken back.")
        )
    if len(note) > 240:
        raise ValidationError(_("The reason is at most 240 characters."))
    return note


def _counter_entry(award: PointsEntry, *, kind: str, generation: int, note: str, actor) -> PointsEntry:
    return PointsEntry(
        organization_id=award.organization_id,
        user_id=award.user_id,
        kind=kind,
        generation=generation,
        reason=award.reason,
        source_kind=award.source_kind,
        source_id=award.source_id,
        points=-award.points if kind == PointsEntry.Kind.REVERSAL else award.points,
        occurred_at=award.occurred_at,
        day=award.day,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _award_states(entries) -> list[tuple[PointsEntry, int, int]]:
    """(award, reversals, restorations) for each award among `entries` (the entries of some sources)."""
    awards, reversals, restorations = {}, defaultdict(int), defaultdict(int)
    for entry in entries:
        key = (entry.user_id, entry.reason, entry.source_kind, entry.source_id, entry.day)
        if entry.kind == PointsEntry.Kind.AWARD:
            awards[key] = entry
        elif entry.kind == PointsEntry.Kind.REVERSAL:
            reversals[key] += 1
        elif entry.kind == PointsEntry.Kind.RESTORATION:
            restorations[key] += 1
    return [(award, reversals[key], restorations[key]) for key, award in sorted(awards.items(), key=str)]


def points_reverse(*, organization, actor, entry: PointsEntry, note: str) -> PointsEntry:
    """Take back one award: a reversal entry of the opposite points, in the same day's bucket."""
    if entry.organization_id != organization.pk:
        raise PointsEntry.DoesNotExist
    errors = []
    if entry.kind != PointsEntry.Kind.AWARD:
        errors.append(_("Only an award can be reversed."))
    try:
        note = _note(note)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _locked_state(organization)  # not while an awarding run or a rebuild of this organization is writing
        same = PointsEntry.objects.filter(
            user_id=entry.user_id,
            reason=entry.reason,
            source_kind=entry.source_kind,
            source_id=entry.source_id,
            day=entry.day,
        )
        [(_award, reversals, restorations)] = _award_states(same)
        if reversals > restorations:
            raise ValidationError(_("These points were already taken back."))
        reversal = _counter_entry(entry, kind=PointsEntry.Kind.REVERSAL, generation=reversals, note=note, actor=actor)
        reversal.save()
        _apply_to_rollups(organization, [reversal])
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.points_reversed",
            target=entry,
            data={"points": entry.points, "reason": entry.reason, "member": entry.user_id, "note": note},
        )
    return reversal


@dataclass(frozen=True)
class SourceResult:
    entries: int  # ledger rows written (0: nothing to do, e.g. a replay)
    points: int  # their net points (negative for a reversal)
    members: frozenset  # the members whose points changed


def related_sources(source_kind: str, source_id: int) -> list[tuple[str, int]]:
    """The sources whose points one decision is about: a post and the share it carries are one thing (the
    share's confirmation and clicks, and the post's engagement); anything else stands alone."""
    from monitoring.models import Post  # read only: which share a post carries, which posts carry a share

    if source_kind == "monitoring.post":
        share_id = Post.objects.filter(pk=source_id).values_list("share_id", flat=True).first()
        if share_id is None:
            return [(source_kind, source_id)]
        source_kind, source_id = "content.share", share_id
    if source_kind == "content.share":
        posts = Post.objects.filter(share_id=source_id).values_list("pk", flat=True)
        return [("content.share", source_id), *(("monitoring.post", pk) for pk in posts)]
    return [(source_kind, source_id)]


def _for_source(*, organization, actor, source_kind, source_id, note, kind) -> SourceResult:
    if not isinstance(source_kind, str) or not source_kind or not isinstance(source_id, int):
        raise ValidationError(_("Name the source by its kind and id."))
    reversing = kind == PointsEntry.Kind.REVERSAL
    note = _note(note, giving_back=not reversing)
    with transaction.atomic():
        _locked_state(organization)  # one writer of this organization's ledger at a time: counts stay true
        pairs = related_sources(source_kind, source_id)
        match = Q()
        for kind_, id_ in pairs:
            match |= Q(source_kind=kind_, source_id=id_)
        states = _award_states(PointsEntry.objects.filter(match).exclude(kind=PointsEntry.Kind.REDEMPTION))
        written = [
            _counter_entry(
                award, kind=kind, generation=reversals if reversing else restorations, note=note, actor=actor
            )
            for award, reversals, restorations in states
            if (reversals == restorations if reversing else reversals == restorations + 1)
        ]
        if not written:
            return SourceResult(0, 0, frozenset())
        PointsEntry.objects.bulk_create(written)
        _apply_to_rollups(organization, written)
        result = SourceResult(len(written), sum(e.points for e in written), frozenset(e.user_id for e in written))
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.points_reversed_for_source" if reversing else "recognition.points_restored_for_source",
            data={
                "source_kind": source_kind,
                "source_id": source_id,
                "sources": [list(pair) for pair in pairs],
                "entries": result.entries,
                "points": result.points,
                "members": sorted(result.members),
                "note": note,
            },
        )
    return result


def points_reverse_for_source(*, organization, actor, source_kind: str, source_id: int, note: str) -> SourceResult:
    """Take back every point a source earned, e.g. when a moderator decides a post breaks policy.

    - `source_kind`, `source_id`: what earned the points. A post ("monitoring.post", post id) and the share it
      carries ("content.share", share id) are treated as one: either takes back the share's confirmation and
      click points and the engagement points of every post carrying that share. Other kinds:
      "content.suggestion", "policies.acknowledgement", "policies.completion", "recognition.kudos",
      "recognition.story".
    - `actor`: who decided (a user, or None for the system); `note`: why, 1 to 240 characters (shown to the
      member in their ledger and kept in the audit log).
    - Writes one reversal entry per award that currently stands (rollups updated, the boards within a minute)
      and one audit record `recognition.points_reversed_for_source`, all in the caller's transaction if there
      is one. While reversed, the source earns nothing new (no clicks after the decision).
    - Idempotent: calling it again before a restore writes nothing and returns SourceResult(0, 0, {}).
      A source that earned nothing also returns that. Raises ValidationError for a missing note or a
      malformed source."""
    return _for_source(
        organization=organization,
        actor=actor,
        source_kind=source_kind,
        source_id=source_id,
        note=note,
        kind=PointsEntry.Kind.REVERSAL,
    )


def points_restore_for_source(*, organization, actor, source_kind: str, source_id: int, note: str) -> SourceResult:
    """Give back what points_reverse_for_source took, e.g. when an appeal overturns the decision.

    Same arguments as points_reverse_for_source. Writes one restoration entry (kind "restoration", the award's
    points, in the award's day) per award whose latest step is a reversal, and one audit record
    `recognition.points_restored_for_source`. Idempotent: calling it again, or for a source never reversed,
    writes nothing. A later decision can reverse the source again (and a later appeal restore it again): each
    cycle is a new generation of entries, so the ledger's unique key still refuses a replayed step."""
    return _for_source(
        organization=organization,
        actor=actor,
        source_kind=source_kind,
        source_id=source_id,
        note=note,
        kind=PointsEntry.Kind.RESTORATION,
    )


# --- settings and preferences -------------------------------------------------------------------------


def _settings_errors(points, daily_cap, clicks_per_share_per_day, excluded_roles) -> tuple[list, dict]:
    errors, clean = [], {}
    for reason, value in points.items():
        if reason not in EARNING_REASONS:
            errors.append(_("Unknown reason: %(reason)s.") % {"reason": reason})
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_POINTS:
            errors.append(
                _("Points for “%(reason)s” must be a whole number from 0 to %(max)s.")
                % {"reason": Reason(reason).label, "max": MAX_POINTS}
            )
        else:
            clean[reason] = value
    if not isinstance(daily_cap, int) or not 0 <= daily_cap <= MAX_DAILY_CAP:
        errors.append(_("The daily cap must be a whole number from 0 to %(max)s.") % {"max": MAX_DAILY_CAP})
    if not isinstance(clicks_per_share_per_day, int) or not 0 <= clicks_per_share_per_day <= MAX_CLICKS:
        errors.append(
            _("The clicks counted per share and day must be a whole number from 0 to %(max)s.") % {"max": MAX_CLICKS}
        )
    unknown = [role for role in excluded_roles if role not in Role.values]
    if unknown:
        errors.append(_("Unknown role: %(roles)s.") % {"roles": ", ".join(map(str, unknown))})
    return errors, clean


def recognition_settings_update(
    *,
    organization,
    actor,
    points: dict[str, int],
    daily_cap: int,
    leaderboards_enabled: bool,
    clicks_per_share_per_day: int | None = None,
    excluded_roles: list[str] | None = None,
) -> RecognitionSettings:
    """Set the points per reason, the daily cap, the clicks counted per share and day, the roles left off the
    boards and whether the leaderboards are on; every error at once. (None: keep what is set.)"""
    config = recognition_settings(organization)
    clicks = config.clicks_per_share_per_day if clicks_per_share_per_day is None else clicks_per_share_per_day
    roles = list(config.excluded_roles if excluded_roles is None else excluded_roles)
    errors, clean = _settings_errors(points, daily_cap, clicks, roles)
    if errors:
        raise ValidationError(errors)
    fields = ("points", "daily_cap", "leaderboards_enabled", "clicks_per_share_per_day", "excluded_roles")
    with transaction.atomic():
        row, _created = RecognitionSettings.objects.get_or_create(organization=organization)
        before = {name: getattr(row, name) for name in fields}
        row.points = {
            reason: clean.get(reason, row.points.get(reason, DEFAULT_POINTS[reason])) for reason in EARNING_REASONS
        }
        row.daily_cap = daily_cap
        row.leaderboards_enabled = leaderboards_enabled
        row.clicks_per_share_per_day = clicks
        row.excluded_roles = sorted(set(roles))
        row.save()
        after = {name: getattr(row, name) for name in fields}
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
