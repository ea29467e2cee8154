"""Language, sentiment and rules for one text, with the organization's settings: the step the intake, the
rescoring task and the rules' test box share.

`context_for(organization)` reads the organization's monitoring settings (one query) and takes the compiled
rule set and the sentiment analyzer of its current versions from this process (built on first use: one more
query for the rules). A change of the rules or of the lexicon bumps a version on MonitoringSettings, so every
process builds the new set on its next intake; nothing is invalidated by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitoring.intake import language as lang
from monitoring.intake import rules as engine
from monitoring.intake import sentiment
from monitoring.models import MonitoringSettings, Rule, SentimentState


@dataclass(frozen=True)
class IntakeContext:
    organization_id: int
    settings: MonitoringSettings
    rule_set: engine.RuleSet
    analyzer: object  # vaderSentiment's SentimentIntensityAnalyzer

    @property
    def rules_version(self) -> int:
        return self.settings.rules_version

    @property
    def lexicon_version(self) -> int:
        return self.settings.lexicon_version


@dataclass
class Evaluation:
    language: str
    state: str  # SentimentState
    scores: sentiment.Scores | None
    checked: engine.Checked

    @property
    def sentiment_label(self) -> str:
        return self.scores.label if self.scores else ""

    def sentiment_fields(self) -> dict:
        scores = self.scores
        return {
            "language": self.language,
            "sentiment_state": self.state,
            "sentiment_compound": scores.compound if scores else None,
            "sentiment_positive": scores.positive if scores else None,
            "sentiment_neutral": scores.neutral if scores else None,
            "sentiment_negative": scores.negative if scores else None,
            "sentiment_model": sentiment.MODEL if scores else "",
        }


def settings_for(organization) -> MonitoringSettings:
    """The organization's settings row, or the defaults (unsaved) when it has none yet."""
    found = MonitoringSettings.objects.filter(organization=organization).first()
    return found or MonitoringSettings(organization=organization)


def spec_of(rule: Rule) -> engine.RuleSpec:
    return engine.RuleSpec(
        id=rule.pk or 0,
        kind=rule.kind,
        pattern=rule.pattern,
        sentiment_condition=rule.sentiment_condition,
        name=rule.name,
    )


def build_rule_set(settings: MonitoringSettings, rules: Iterable[Rule]) -> engine.RuleSet:
    return engine.RuleSet(
        [spec_of(rule) for rule in rules],
        competitors=settings.competitors,
        disclosure_tags=settings.disclosure_tags,
        brand_terms=settings.brand_terms,
        brand_hashtags=settings.hashtags,
    )


def _enabled_rules(organization) -> list[Rule]:
    return list(
        Rule.objects.filter(organization=organization, enabled=True).only(
            "id", "kind", "pattern", "sentiment_condition", "name"
        )
    )


def context_for(organization) -> IntakeContext:
    settings = settings_for(organization)
    key = (organization.pk, settings.rules_version, _settings_stamp(settings))
    rule_set = engine.compiled(key, lambda: build_rule_set(settings, _enabled_rules(organization)))
    analyzer = sentiment.analyzer((organization.pk, settings.lexicon_version), settings.lexicon)
    return IntakeContext(organization.pk, settings, rule_set, analyzer)


def _settings_stamp(settings: MonitoringSettings) -> tuple:
    """The settings the rule set reads besides the rules (competitors, tags, brand terms): part of its key,
    so editing them needs no version of its own."""
    return (
        tuple(settings.competitors),
        tuple(settings.disclosure_tags),
        tuple(settings.brand_terms),
        tuple(settings.hashtags),
    )


def score_text(context: IntakeContext, text: str, *, hint: str = "") -> tuple[str, str, sentiment.Scores | None]:
    """(language, sentiment state, scores or None). Only English is scored; anything else (or no words at
    all) is stored as not scored, never as neutral."""
    language = lang.detect_language(text, hint=hint)
    if not lang.is_scored(language):
        return language, SentimentState.NOT_SCORED_LANGUAGE, None
    return language, SentimentState.SCORED, sentiment.score(text, context.analyzer)


def evaluate(
    context: IntakeContext,
    *,
    text: str,
    links: Iterable[str] = (),
    hashtags: Iterable[str] = (),
    language_hint: str = "",
    member_post: bool = False,
    employer_link: str = "",
) -> Evaluation:
    language, state, scores = score_text(context, text, hint=language_hint)
    target = engine.Target(
        text=text,
        links=tuple(links),
        hashtags=tuple(hashtags),
        sentiment=scores.label if scores else "",
        member_post=member_post,
        employer_link=employer_link,
    )
    return Evaluation(language, state, scores, context.rule_set.check(target))
