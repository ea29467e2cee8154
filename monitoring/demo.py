"""Demo data: the organization's monitoring settings (brand terms, hashtags, competitors, a lexicon
adjustment) and rules that some demo posts trip. Idempotent (rules are found by name).

What trips them (the sandbox posts of monitoring/demo_accounts.py are written to): "leak", "leaked",
"Project Falcon" (confidential), "Q3 earnings" / "quarterly results" (financial, regex), a competitor named in
a negative post (for acme: Globex or Initech), "idiot" / "shut up" (harassment), "#layoffs", a link to
pastebin.com, and an employee post carrying a tracked link of the organization without #employee or #ad
(missing disclosure)."""

from __future__ import annotations

from django.db.models import F

from .models import MonitoringSettings, Rule

COMPETITORS = {"acme": ["Globex", "Initech"], "globex": ["Acme", "Initech"]}


def _rules(policy) -> list[dict]:
    confidential = {"category": Rule.Category.CONFIDENTIAL, "policy": policy, "section": "Confidentiality"}
    conduct = {"policy": policy, "section": "Respectful conduct"}
    return [
        {
            "name": "Confidential projects and leaks",
            "kind": Rule.Kind.PHRASE,
            "pattern": "leak\nProject Falcon\nunreleased roadmap",
            "severity": Rule.Severity.HIGH,
            **confidential,
        },
        {
            "name": "Financial results before they are announced",
            "kind": Rule.Kind.REGEX,
            "pattern": r"\b(q[1-4]|quarterly|annual)\s+(revenue|earnings|results)\b",
            "category": Rule.Category.FINANCIAL,
            "severity": Rule.Severity.CRITICAL,
            "policy": policy,
            "section": "Confidentiality",
        },
        {
            "name": "Negative about a competitor",
            "kind": Rule.Kind.COMPETITOR,
            "pattern": "",
            "category": Rule.Category.COMPETITOR,
            "severity": Rule.Severity.MEDIUM,
            "sentiment_condition": Rule.SentimentCondition.NEGATIVE,
            **conduct,
        },
        {
            "name": "Insults",
            "kind": Rule.Kind.PHRASE,
            "pattern": "idiot\nstupid\nshut up\nloser",
            "category": Rule.Category.HARASSMENT,
            "severity": Rule.Severity.HIGH,
            **conduct,
        },
        {
            "name": "Profanity",
            "kind": Rule.Kind.PHRASE,
            "pattern": "damn\ncrap\nwtf",
            "category": Rule.Category.PROFANITY,
            "severity": Rule.Severity.LOW,
            **conduct,
        },
        {
            "name": "Rumours of layoffs",
            "kind": Rule.Kind.HASHTAG,
            "pattern": "#layoffs\n#leaked",
            "severity": Rule.Severity.MEDIUM,
            **confidential,
        },
        {
            "name": "Links to paste sites",
            "kind": Rule.Kind.DOMAIN,
            "pattern": "pastebin.com\nghostbin.co",
            "severity": Rule.Severity.HIGH,
            **confidential,
        },
        {
            "name": "Company content without disclosure",
            "kind": Rule.Kind.MISSING_DISCLOSURE,
            "pattern": "",
            "category": Rule.Category.MISSING_DISCLOSURE,
            "severity": Rule.Severity.MEDIUM,
            "policy": policy,
            "section": "Disclosure",
        },
    ]


def _social_policy(organization):
    from policies.selectors import policy_list_for_staff

    return policy_list_for_staff(organization=organization, kind="social_media").first()


def seed_rules(demo) -> None:
    organization = demo.organization
    brand = organization.name.split()[0]
    settings, _ = MonitoringSettings.objects.get_or_create(
        organization=organization,
        defaults={
            "brand_terms": [brand],
            "hashtags": [organization.slug, f"{organization.slug}life"],
            "competitors": COMPETITORS.get(organization.slug, ["Initech"]),
            "lexicon": {"bugfest": -2.5, "shipit": 1.5},
        },
    )
    policy = _social_policy(organization)
    created = 0
    for spec in _rules(policy):
        name = spec.pop("name")
        _, was_created = Rule.objects.get_or_create(
            organization=organization, name=name, defaults={**spec, "created_by": demo.people.get("moderator")}
        )
        created += was_created
    if created:
        MonitoringSettings.objects.filter(pk=settings.pk).update(rules_version=F("rules_version") + 1)
