"""The organization's rules: create, change, delete (audited; each bumps the rules version, so every process
compiles the new set on its next intake) and the test box (what a text would match, and why)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from monitoring.intake import regexes
from monitoring.intake import rules as engine
from monitoring.models import MonitoringSettings, Rule

from .checking import Evaluation, build_rule_set, context_for, score_text, settings_for

EDITABLE = ("name", "kind", "pattern", "category", "severity", "sentiment_condition", "policy", "section", "enabled")
_TAG = re.compile(r"^#?\w+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_TERMS = 500
TEXT_LIMIT = 5000


def _pattern_errors(kind: str, pattern: str) -> list[str]:
    """What is wrong with a rule's pattern for its kind (empty: nothing)."""
    if kind in (Rule.Kind.COMPETITOR, Rule.Kind.MISSING_DISCLOSURE):
        return []
    if kind == Rule.Kind.REGEX:
        try:
            regexes.compile_pattern(pattern)
        except regexes.InvalidPattern as error:
            return [str(error)]
        return []
    terms = engine.split_terms(pattern)
    if not terms:
        return [_("Enter at least one term, one per line.")]
    if len(terms) > MAX_TERMS:
        return [_("Keep a rule to %(max)s terms or fewer.") % {"max": MAX_TERMS}]
    if kind == Rule.Kind.HASHTAG:
        bad = [t for t in terms if not _TAG.match(t)]
        if bad:
            return [_("These are not hashtags (letters, digits and _ only): %(tags)s.") % {"tags": ", ".join(bad)}]
    if kind == Rule.Kind.DOMAIN:
        bad = [t for t in terms if not _DOMAIN.match(engine.normalize_domain(t))]
        if bad:
            return [_("These are not domain names: %(domains)s.") % {"domains": ", ".join(bad)}]
    return []


def _choice_error(value, choices, message) -> list[str]:
    return [] if value in choices else [message]


def rule_errors(*, organization, data: dict, rule: Rule | None = None) -> dict[str, list[str]]:
    """Every problem with a rule's fields at once, by field (empty: valid)."""
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the rule a name.")]
    elif len(name) > 120:
        errors["name"] = [_("Keep the name under 120 characters.")]
    elif (
        Rule.objects.filter(organization=organization, name__iexact=name).exclude(pk=getattr(rule, "pk", None)).exists()
    ):
        errors["name"] = [_("Another rule already has this name.")]
    checks = {
        "kind": _choice_error(data.get("kind"), Rule.Kind.values, _("Choose what the rule looks for.")),
        "category": _choice_error(data.get("category"), Rule.Category.values, _("Choose a category.")),
        "severity": _choice_error(data.get("severity"), Rule.Severity.values, _("Choose a severity.")),
        "sentiment_condition": _choice_error(
            data.get("sentiment_condition"), Rule.SentimentCondition.values, _("Choose a sentiment condition.")
        ),
    }
    errors.update({field: found for field, found in checks.items() if found})
    if "kind" not in errors:
        found = _pattern_errors(data["kind"], data.get("pattern") or "")
        if found:
            errors["pattern"] = found
    policy = data.get("policy")
    if policy is not None and getattr(policy, "organization_id", None) != organization.pk:
        errors["policy"] = [_("Choose one of this organization's policies.")]
    if len(data.get("section") or "") > 200:
        errors["section"] = [_("Keep the section under 200 characters.")]
    return errors


def _clean(data: dict) -> dict:
    clean = {field: data[field] for field in EDITABLE if field in data}
    clean["name"] = clean["name"].strip()
    clean["section"] = (clean.get("section") or "").strip()
    if clean["kind"] in (Rule.Kind.COMPETITOR, Rule.Kind.MISSING_DISCLOSURE):
        clean["pattern"] = ""
    elif clean["kind"] != Rule.Kind.REGEX:
        clean["pattern"] = "\n".join(engine.split_terms(clean.get("pattern") or ""))
    return clean


def _bump_rules_version(organization) -> None:
    MonitoringSettings.objects.bulk_create([MonitoringSettings(organization=organization)], ignore_conflicts=True)
    MonitoringSettings.objects.filter(organization=organization).update(rules_version=F("rules_version") + 1)


def _snapshot(rule: Rule) -> dict:
    return {
        "name": rule.name,
        "kind": rule.kind,
        "pattern": rule.pattern,
        "category": rule.category,
        "severity": rule.severity,
        "sentiment_condition": rule.sentiment_condition,
        "policy_id": rule.policy_id,
        "section": rule.section,
        "enabled": rule.enabled,
    }


def rule_create(*, organization, actor, data: dict) -> Rule:
    """A new rule; ValidationError with every problem by field (nothing is stored)."""
    data = {"sentiment_condition": Rule.SentimentCondition.ANY, "severity": Rule.Severity.MEDIUM, **data}
    errors = rule_errors(organization=organization, data=data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule = Rule.objects.create(organization=organization, created_by=actor, **_clean(data))
        _bump_rules_version(organization)
        audit_record(
            organization=organization, actor=actor, action="monitoring.rule_created", target=rule, data=_snapshot(rule)
        )
    return rule


def rule_update(*, organization, actor, rule: Rule, data: dict) -> Rule:
    """Change a rule (fields absent from `data` keep their value)."""
    merged = {**_snapshot(rule), "policy": rule.policy, **data}
    merged.pop("policy_id", None)
    errors = rule_errors(organization=organization, data=merged, rule=rule)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = _snapshot(rule)
        for field, value in _clean(merged).items():
            setattr(rule, field, value)
        rule.save()
        _bump_rules_version(organization)
        audit_record(
            organization=organization,
            actor=actor,
            action="monitoring.rule_changed",
            target=rule,
            data={"before": before, "after": _snapshot(rule)},
        )
    return rule


def rule_delete(*, organization, actor, rule: Rule) -> None:
    """Delete a rule and its matches."""
    with transaction.atomic():
        audit_record(
            organization=organization, actor=actor, action="monitoring.rule_deleted", target=rule, data=_snapshot(rule)
        )
        rule.delete()
        _bump_rules_version(organization)


# --- the test box -------------------------------------------------------------------------------------------


@dataclass
class TestResult:
    text: str
    evaluation: Evaluation
    rules: dict[int, Rule]  # the rules that matched or were held back, by id
    parts: list[tuple[str, bool]]  # the text in pieces, True for a matched piece (for highlighting)


def _parts(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    parts, at = [], 0
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        start = max(start, at)
        if start >= end:
            continue
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def rule_test(
    *, organization, text: str, rule: Rule | None = None, employer_link: str = "", member_post: bool = True
) -> TestResult:
    """What `text` would match: with `rule` alone (a rule being edited, saved or not) or with every enabled
    rule of the organization. Nothing is stored. `employer_link`: pretend the post shares this address of
    the organization's content (to try the missing-disclosure rule)."""
    text = text[:TEXT_LIMIT]
    context = context_for(organization)
    rule_set = context.rule_set
    rules = None
    if rule is not None:
        rule_set = build_rule_set(settings_for(organization), [rule])
        rules = {rule.pk or 0: rule}
    language, state, scores = score_text(context, text)
    target = engine.Target(
        text=text,
        sentiment=scores.label if scores else "",
        member_post=member_post,
        employer_link=employer_link,
    )
    checked = rule_set.check(target)
    evaluation = Evaluation(language, state, scores, checked)
    if rules is None:
        ids = {m.rule_id for m in checked.matches + checked.held_back}
        rules = {r.pk: r for r in Rule.objects.filter(organization=organization, pk__in=ids).select_related("policy")}
    return TestResult(text, evaluation, rules, _parts(text, [(m.start, m.end) for m in checked.matches]))
