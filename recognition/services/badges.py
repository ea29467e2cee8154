"""Badges: the built-in definitions (created for an organization the first time they are needed), an admin's
own badges (a name, a picture, a rule from a small set of kinds with a threshold), awarding by rule after each
awarding run (idempotent: one award per badge and member, a unique key), and by hand with a reason (audited)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from content_library.models import ContentItem, Share
from content_library.validation import check_image
from policies.models import Acknowledgement
from policies.selectors import pending_for_member

from ..models import Badge, BadgeAward, Kudos, PointsTotal

Rule = Badge.Rule

# key -> (name, description, symbol, rule, threshold)
BUILT_IN = {
    "first-share": ("First share", "Shared something for the first time.", "🚀", Rule.SHARES, 1),
    "shares-10": ("Ten shares", "Shared ten times.", "🔟", Rule.SHARES, 10),
    "shares-100": ("A hundred shares", "Shared a hundred times.", "💯", Rule.SHARES, 100),
    "clicks-100": ("100 clicks", "People clicked their shares 100 times.", "👆", Rule.CLICKS, 100),
    "clicks-1000": ("1,000 clicks", "People clicked their shares 1,000 times.", "🌟", Rule.CLICKS, 1000),
    "policies-on-time": (
        "On time, every time",
        "Acknowledged every policy by its due date.",
        "✅",
        Rule.POLICIES_ON_TIME,
        1,
    ),
    "streak-4": ("Four weeks in a row", "Shared something four weeks in a row.", "🔥", Rule.SHARE_STREAK, 4),
    "first-suggestion": ("Idea approved", "A suggestion of theirs was approved.", "💡", Rule.SUGGESTIONS, 1),
    "first-kudos-given": ("Thank-you note", "Gave kudos to a colleague.", "🙌", Rule.KUDOS_GIVEN, 1),
}
RULES_FOR_ADMINS = [rule for rule in Rule if rule != Rule.POLICIES_ON_TIME]


def badges_ensure_built_in(*, organization) -> None:
    """The built-in badges exist for the organization (created once; an admin may switch one off)."""
    Badge.objects.bulk_create(
        [
            Badge(
                organization=organization,
                key=key,
                name=name,
                description=description,
                symbol=symbol,
                rule=rule,
                threshold=threshold,
            )
            for key, (name, description, symbol, rule, threshold) in BUILT_IN.items()
        ],
        ignore_conflicts=True,
    )


def _longest_weekly_streak(weeks: list) -> int:
    best = run = 0
    previous = None
    for week in sorted(weeks):
        run = run + 1 if previous is not None and (week - previous).days == 7 else 1
        best, previous = max(best, run), week
    return best


def _policies_on_time(organization, user_ids) -> dict[int, int]:
    """1 for members who acknowledged at least one policy, none of them late, and have none pending."""
    acks = defaultdict(lambda: [0, 0])
    rows = Acknowledgement.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "acknowledged_at", "version__due_on"
    )
    for user_id, at, due_on in rows:
        acks[user_id][0] += 1
        acks[user_id][1] += bool(due_on and timezone.localdate(at) > due_on)
    from django.contrib.auth import get_user_model

    result = {}
    for user in get_user_model().objects.filter(pk__in=[u for u, (n, late) in acks.items() if n and not late]):
        result[user.pk] = int(not pending_for_member(organization=organization, user=user))
    return result


def _streaks(user_ids) -> dict[int, int]:
    weeks = defaultdict(list)
    rows = (
        Share.objects.filter(user_id__in=user_ids, status=Share.Status.CONFIRMED)
        .annotate(week=TruncWeek("confirmed_at"))
        .values_list("user_id", "week")
        .distinct()
    )
    for user_id, week in rows:
        weeks[user_id].append(week.date() if hasattr(week, "date") else week)
    return {user_id: _longest_weekly_streak(found) for user_id, found in weeks.items()}


def _counted(queryset, user_field: str, value=None) -> dict[int, int]:
    rows = queryset.values(user_field).annotate(n=value or Count("pk")).values_list(user_field, "n")
    return {user_id: n or 0 for user_id, n in rows}


def badge_stats(*, organization, user_ids, rules) -> dict[str, dict[int, int]]:
    """rule -> member -> the count the rule compares with its threshold (only the rules asked for)."""
    shares = Share.objects.filter(user_id__in=user_ids, status=Share.Status.CONFIRMED)
    readers = {
        Rule.SHARES: lambda: _counted(shares, "user_id"),
        Rule.CLICKS: lambda: _counted(shares, "user_id", Sum("click_count")),
        Rule.SHARE_STREAK: lambda: _streaks(user_ids),
        Rule.POLICIES_ON_TIME: lambda: _policies_on_time(organization, user_ids),
        Rule.SUGGESTIONS: lambda: _counted(
            ContentItem.objects.filter(
                created_by_id__in=user_ids, is_suggestion=True, first_published_at__isnull=False
            ),
            "created_by_id",
        ),
        Rule.KUDOS_GIVEN: lambda: _counted(Kudos.objects.filter(giver_id__in=user_ids), "giver_id"),
        Rule.KUDOS_RECEIVED: lambda: _counted(
            Kudos.objects.filter(receiver_id__in=user_ids, hidden_at__isnull=True), "receiver_id"
        ),
        Rule.POINTS: lambda: dict(PointsTotal.objects.filter(user_id__in=user_ids).values_list("user_id", "points")),
    }
    return {rule: readers[rule]() for rule in rules if rule in readers}


def badges_evaluate(*, organization, user_ids) -> int:
    """Award every active badge whose rule the members now meet; returns the number of new awards. Safe to
    run again and at the same time as another run (one award per badge and member: a unique key)."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    badges_ensure_built_in(organization=organization)
    badges = list(Badge.objects.filter(is_active=True).exclude(rule=Rule.MANUAL))
    stats = badge_stats(organization=organization, user_ids=user_ids, rules={b.rule for b in badges})
    held = set(BadgeAward.objects.filter(user_id__in=user_ids, badge__in=badges).values_list("badge_id", "user_id"))
    now = timezone.now()
    new = [
        BadgeAward(organization=organization, badge=badge, user_id=user_id, awarded_at=now)
        for badge in badges
        for user_id in user_ids
        if (badge.pk, user_id) not in held and stats.get(badge.rule, {}).get(user_id, 0) >= badge.threshold
    ]
    created = BadgeAward.objects.bulk_create(new, ignore_conflicts=True)
    return len(created)


def _badge_errors(organization, name, rule, threshold, picture, badge=None) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the badge a name.")
    elif len(name) > 80:
        errors["name"] = _("A badge's name is at most 80 characters.")
    elif Badge.objects.filter(name__iexact=name).exclude(pk=getattr(badge, "pk", None)).exists():
        errors["name"] = _("There is already a badge with that name.")
    if rule not in [r.value for r in RULES_FOR_ADMINS]:
        errors["rule"] = _("Choose what earns the badge.")
    if rule != Rule.MANUAL and (not isinstance(threshold, int) or not 1 <= threshold <= 1_000_000):
        errors["threshold"] = _("The threshold is a whole number from 1 to 1,000,000.")
    if picture is not None:
        try:
            check_image(picture)
        except ValidationError as exc:
            errors["picture"] = " ".join(exc.messages)
    return errors


def badge_create(
    *, organization, actor, name: str, description: str = "", rule: str, threshold: int | None, picture=None
) -> Badge:
    """An admin's own badge; every error at once, by field."""
    errors = _badge_errors(organization, name, rule, threshold, picture)
    if len((description or "").strip()) > 240:
        errors["description"] = _("The description is at most 240 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        badge = Badge(
            organization=organization,
            name=name.strip(),
            description=(description or "").strip(),
            rule=rule,
            threshold=threshold if rule != Rule.MANUAL else 1,
            created_by=actor,
        )
        if picture is not None:
            ext = check_image(picture)
            badge.picture.save(f"badge.{ext}", picture, save=False)
        badge.save()
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.badge_created",
            target=badge,
            data={"rule": rule, "threshold": badge.threshold},
        )
    return badge


def badge_award_by_hand(*, organization, actor, badge: Badge, user, note: str) -> BadgeAward:
    """An admin gives a member a badge, saying why (audited). Once per badge and member."""
    from advocacy.tenancy.models import Membership

    note = (note or "").strip()
    errors = {}
    if badge.organization_id != organization.pk:
        raise Badge.DoesNotExist
    if not Membership.objects.active().filter(user=user).exists():
        errors["user"] = _("Choose a member of this organization.")
    if not note:
        errors["note"] = _("Say why they get the badge.")
    elif len(note) > 240:
        errors["note"] = _("The reason is at most 240 characters.")
    if not errors and BadgeAward.objects.filter(badge=badge, user=user).exists():
        errors["user"] = _("They already have this badge.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(organization=organization, badge=badge, user=user, note=note, actor=actor)
            audit_record(
                organization=organization,
                actor=actor,
                action="recognition.badge_awarded",
                target=award,
                data={"badge": badge.pk, "member": user.pk, "note": note},
            )
    except IntegrityError:
        raise ValidationError({"user": _("They already have this badge.")}) from None
    return award


def badge_notices_seen(*, organization, actor) -> int:
    """The member has seen the notices of their new badges."""
    return BadgeAward.objects.filter(user=actor, seen_at__isnull=True).update(seen_at=timezone.now())


# a weekly digest announces awards of up to four weeks back (a missed or skipped week still gets them), never
# older ones: a new installation does not announce a member's whole history
DIGEST_LOOKBACK = timedelta(weeks=4)


def badges_announce_in_digest(*, organization, user, now=None) -> list[BadgeAward]:
    """The member's active badges that no digest has announced yet (awarded within DIGEST_LOOKBACK), oldest
    first, marked as announced. Called inside the transaction that records the member's weekly digest, so a
    digest that is not sent announces nothing, and the next one does not announce them again."""
    now = now or timezone.now()
    awards = list(
        BadgeAward.objects.select_for_update(of=("self",))
        .filter(
            organization=organization,
            user=user,
            badge__is_active=True,
            digest_announced_at__isnull=True,
            awarded_at__gte=now - DIGEST_LOOKBACK,
        )
        .select_related("badge")
        .order_by("awarded_at", "id")
    )
    if awards:
        BadgeAward.objects.filter(organization=organization, pk__in=[a.pk for a in awards]).update(
            digest_announced_at=now
        )
    return awards
