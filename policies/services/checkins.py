"""Check-ins: HR asks up to five short questions (a 1-5 scale or free text) to a team or everyone, once or
every N days; members answer once per round; answers are anonymous and summarized only for five people or
more (the rule of the policies' feedback rounds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.tenancy.models import Membership, Team

from ..models import CheckIn, CheckInResponse

MAX_QUESTIONS = 5
MIN_GROUP = 5
TEXT_MARK = "[text]"
MAX_ANSWER = 1000


def parse_questions(source: str) -> list[dict]:
    """One question a line; a line ending in “[text]” is answered in words, the others on a 1-5 scale."""
    questions = []
    for line in (source or "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind = "scale"
        if line.lower().endswith(TEXT_MARK):
            kind, line = "text", line[: -len(TEXT_MARK)].strip()
        if line:
            questions.append({"text": line[:280], "kind": kind})
    return questions


def checkin_errors(*, title: str, questions: list[dict], starts_on: date | None, today=None) -> dict:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Give the check-in a title."]
    if not questions:
        errors["questions"] = ["Ask at least one question."]
    elif len(questions) > MAX_QUESTIONS:
        errors["questions"] = [f"Ask at most {MAX_QUESTIONS} questions (there are {len(questions)})."]
    if starts_on is None:
        errors["starts_on"] = ["Choose the day of the first round."]
    elif starts_on < today:
        errors["starts_on"] = ["The first round cannot start in the past."]
    return errors


@transaction.atomic
def checkin_create(
    *,
    organization,
    actor,
    title: str,
    questions: list[dict],
    starts_on: date | None,
    team: Team | None = None,
    repeat_days: int | None = None,
    open_days: int = 7,
) -> CheckIn:
    errors = checkin_errors(title=title, questions=questions, starts_on=starts_on)
    if repeat_days is not None and repeat_days < open_days:
        errors["repeat_days"] = ["A round must close before the next one opens: repeat less often, or shorten rounds."]
    if errors:
        raise ValidationError(errors)
    checkin = CheckIn.objects.create(
        organization=organization,
        title=title.strip(),
        questions=questions,
        team=team,
        starts_on=starts_on,
        repeat_days=repeat_days,
        open_days=open_days,
        created_by=actor,
    )
    audit_record(organization=organization, actor=actor, action="training.checkin_created", target=checkin)
    return checkin


@transaction.atomic
def checkin_stop(*, organization, actor, checkin: CheckIn) -> CheckIn:
    checkin = CheckIn.objects.select_for_update().get(organization=organization, pk=checkin.pk)
    checkin.is_active = False
    checkin.save(update_fields=["is_active"])
    audit_record(organization=organization, actor=actor, action="training.checkin_stopped", target=checkin)
    return checkin


def round_on(checkin: CheckIn, today: date | None = None) -> date | None:
    """The day the round open today started, or None when no round is open."""
    today = today or timezone.localdate()
    if not checkin.is_active or today < checkin.starts_on:
        return None
    start = checkin.starts_on
    if checkin.repeat_days:
        start += timedelta(days=((today - start).days // checkin.repeat_days) * checkin.repeat_days)
    return start if today < start + timedelta(days=checkin.open_days) else None


def in_audience(organization, checkin: CheckIn, user) -> bool:
    members = Membership.objects.filter(organization=organization, user=user, is_active=True)
    if checkin.team_id:
        members = members.filter(team_id=checkin.team_id)
    return members.exists()


def open_checkins_for_member(*, organization, user, today=None) -> list[tuple[CheckIn, date]]:
    """Check-ins with a round open today that the member has not answered."""
    today = today or timezone.localdate()
    team = Membership.objects.filter(organization=organization, user=user, is_active=True).values("team_id")[:1]
    candidates = CheckIn.objects.filter(organization=organization, is_active=True, starts_on__lte=today).filter(
        Q(team__isnull=True) | Q(team_id=team)
    )
    out = []
    answered = set(
        CheckInResponse.objects.filter(organization=organization, user=user).values_list("checkin_id", "round_on")
    )
    for checkin in candidates:
        current = round_on(checkin, today)
        if current is not None and (checkin.pk, current) not in answered:
            out.append((checkin, current))
    return out


def _answers_errors(checkin: CheckIn, answers: list) -> tuple[list, list[str]]:
    clean, errors = [], []
    for index, question in enumerate(checkin.questions):
        raw = answers[index] if index < len(answers) else None
        if question["kind"] == "scale":
            try:
                value = int(raw)
            except (TypeError, ValueError):
                value = None
            if value not in (1, 2, 3, 4, 5):
                errors.append(f"Question {index + 1}: choose a number from 1 to 5.")
            clean.append(value)
        else:
            text = (raw or "").strip() if isinstance(raw, str) else ""
            if len(text) > MAX_ANSWER:
                errors.append(f"Question {index + 1}: keep the answer under {MAX_ANSWER:,} characters.")
            clean.append(text)
    return clean, errors


@transaction.atomic
def checkin_answer(*, organization, actor, checkin: CheckIn, answers: list) -> CheckInResponse:
    """The member's answers to the open round, once. Not audited (HR reads the log; answers are anonymous)."""
    clean, problems = _answers_errors(checkin, answers)
    current = round_on(checkin)
    if current is None:
        problems.append("This check-in is not open for answers now.")
    elif not in_audience(organization, checkin, actor):
        problems.append("This check-in asks another team.")
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    try:
        with transaction.atomic():
            return CheckInResponse.objects.create(
                organization=organization, checkin=checkin, round_on=current, user=actor, answers=clean
            )
    except IntegrityError:
        raise ValidationError({NON_FIELD_ERRORS: ["You have already answered this round. Thank you!"]})


@dataclass(frozen=True)
class CheckInSummary:
    round_on: date
    answers: int
    shown: bool  # five people or more
    questions: list[dict]


def checkin_summary(*, organization, checkin: CheckIn) -> list[CheckInSummary]:
    """Per round, the number of answers and (for five or more) the average and spread of each scale question
    and the free-text answers in a fixed order that says nothing about who wrote them."""
    rounds: dict[date, list[list]] = {}
    for day, answers in CheckInResponse.objects.filter(organization=organization, checkin=checkin).values_list(
        "round_on", "answers"
    ):
        rounds.setdefault(day, []).append(answers)
    out = []
    for day in sorted(rounds, reverse=True):
        responses = rounds[day]
        shown = len(responses) >= MIN_GROUP
        questions = []
        for index, question in enumerate(checkin.questions):
            values = [r[index] for r in responses if index < len(r) and r[index] not in (None, "")]
            item = {"text": question["text"], "kind": question["kind"]}
            if shown and question["kind"] == "scale":
                item["average"] = round(sum(values) / len(values), 1) if values else None
                item["spread"] = [sum(1 for v in values if v == n) for n in range(1, 6)]
            elif shown:
                item["texts"] = sorted(values)
            questions.append(item)
        out.append(CheckInSummary(day, len(responses), shown, questions))
    return out
