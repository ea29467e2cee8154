"""Demo data of the review queue: items of every source and priority (rule matches with their highlighted text,
negative sentiment with a rule, colleagues' reports, one anonymous, the random sample, a post going viral), a
few overdue, one claimed and one escalated, and a decided violation with a warning and a delete request that its
member appealed. Written through the same services as the pages (the posts are the demo members' posts on the
sandbox network, by address; the real pulls of `make run` add their own items). Idempotent: nothing is added
when the organization already has review items."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from monitoring.models import Rule
from policies.models import Policy, PolicyKind

from . import services
from .models import ReviewItem, ReviewSettings, Source
from .services.items import Spec, Target, url_key

POSTS = [
    # (who, text, rule name, matched phrase, extra sources, overdue hours)
    (
        "employee",
        "Between us, the Project Falcon roadmap leaked on a forum last night.",
        "Confidential projects and leaks",
        "Project Falcon",
        (),
        3,
    ),
    (
        0,
        "Q3 earnings look amazing, can't wait for the call next week!",
        "Financial results before they are announced",
        "Q3 earnings",
        (),
        0,
    ),
    (
        1,
        "Honestly whoever designed this checkout is an idiot. Shut up about it.",
        "Insults",
        "idiot",
        ("sentiment",),
        30,
    ),
    (2, "Sad day. #layoffs rumours everywhere, nobody tells us anything.", None, None, ("virality",), 0),
    (3, "Loving the new office plants, the team looks happier already.", None, None, ("sample",), 0),
]


def _person(demo, who):
    return demo.people["employees"][who] if isinstance(who, int) else demo.people[who]


def _rule_spec(rule: Rule, text: str, phrase: str) -> Spec:
    start = text.find(phrase)
    return Spec(
        key=f"demo-rule:{rule.pk}",
        source=Source.RULE,
        reason=f"Rule “{rule.name}” matched “{phrase}”",
        rule_id=rule.pk,
        rule_name=rule.name,
        rule_category=rule.category,
        severity=rule.severity,
        matched_text=phrase,
        start=start,
        end=start + len(phrase),
    )


def _extra_spec(kind: str) -> Spec:
    if kind == "sentiment":
        return Spec(
            key="sentiment",
            source=Source.SENTIMENT,
            reason="Negative sentiment (-0.81) together with a rule",
            sentiment=-0.81,
        )
    if kind == "virality":
        return Spec(
            key="viral:demo",
            source=Source.VIRALITY,
            reason="Engagement grew by 412 since the previous pull (threshold 100)",
            growth=412,
        )
    return Spec(key="sample", source=Source.SAMPLE, reason="Random sample for quality control")


def _post_items(demo, rules: dict) -> list[ReviewItem]:
    organization, items = demo.organization, []
    for i, (who, text, rule_name, phrase, extra, overdue) in enumerate(POSTS):
        user = _person(demo, who)
        url = f"https://social.example/@{user.email.split('@')[0]}/demo-{i + 1}"
        target = Target(
            key=url_key(url),
            url=url,
            member_id=user.pk,
            network="mastodon",
            snapshot={
                "text": text,
                "url": url,
                "network": "mastodon",
                "author": user.display_name,
                "handle": f"@{user.email.split('@')[0]}@social.example",
                "posted_at": (timezone.now() - timedelta(hours=5 + i)).isoformat(),
                "engagement": [
                    {
                        "at": timezone.now().isoformat(),
                        "likes": 12 * (i + 1),
                        "reposts": 3 * i,
                        "replies": i,
                        "quotes": 0,
                    }
                ],
            },
        )
        specs = [_extra_spec(kind) for kind in extra]
        rule = rules.get(rule_name)
        if rule is not None:
            specs.insert(0, _rule_spec(rule, text, phrase))
        item = services.signals_apply(organization, [target], {target.key: specs})[0]
        if overdue:
            ReviewItem.objects.filter(organization=organization, pk=item.pk).update(
                due_at=timezone.now() - timedelta(hours=overdue)
            )
        items.append(item)
    return items


def _policy(organization):
    return Policy.objects.filter(organization=organization, kind=PolicyKind.SOCIAL_MEDIA).order_by("pk").first()


def seed(demo) -> None:
    organization = demo.organization
    if ReviewItem.objects.filter(organization=organization).exists():
        return
    people = demo.people
    ReviewSettings.objects.get_or_create(
        organization=organization,
        defaults={
            "legal_contact_name": "Jordan Lee (Legal)",
            "legal_contact_email": f"legal@{organization.slug}.example",
        },
    )
    rules = {r.name: r for r in Rule.objects.filter(organization=organization)}
    items = _post_items(demo, rules)
    employees = people["employees"]
    services.report_submit(
        organization=organization,
        actor=employees[4],
        url=items[2].url,
        category="harassment",
        description="This insults the design team in public.",
    )
    services.report_submit(
        organization=organization,
        actor=employees[5],
        url="https://bsky.example/profile/someone/post/3k2",
        category="misleading",
        description="Says our product causes outages; that is not true.",
        anonymous=True,
    )
    moderator = people["moderator"]
    services.item_claim(organization=organization, actor=moderator, item=items[1])
    services.item_escalate(
        organization=organization, actor=moderator, item=items[3], to="legal", note="Could become a press story."
    )
    services.item_note(
        organization=organization,
        actor=moderator,
        item=items[0],
        text="Checked with comms: Project Falcon is not public yet.",
    )
    policy = _policy(organization)
    if policy is None:
        return
    first = ReviewItem.objects.get(organization=organization, pk=items[0].pk)
    decision = services.item_decide(
        organization=organization,
        actor=people["admin"],
        item=first,
        version=first.version,
        outcome="violation",
        reasons="The post names an unannounced project and says its roadmap leaked.",
        policy_id=policy.pk,
        policy_section="Confidentiality",
        consequences=[
            services.ConsequenceInput("warning"),
            services.ConsequenceInput("delete_request", days=3),
        ],
    )
    services.appeal_submit(
        organization=organization,
        actor=decision.member,
        decision=decision,
        text="The forum thread was already public when I posted; I only reacted to it.",
    )
