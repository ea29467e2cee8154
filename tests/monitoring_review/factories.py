"""Review queue test data through the real services: posts stored by monitoring's intake (with the
organization's rules applied), items from them, reports, decisions and appeals."""

from __future__ import annotations

from django.utils import timezone

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from monitoring.models import Post
from monitoring.review import services
from monitoring.review.models import ReviewItem
from monitoring.services.intake import posts_ingest
from policies.models import Policy
from tests.factories import MembershipFactory, UserFactory
from tests.monitoring.factories import ConnectedAccountFactory, PullRunFactory, RuleFactory, pulled


def member(org, *roles, email=None):
    user = UserFactory(**({"email": email} if email else {}))
    MembershipFactory(organization=org, user=user, roles=list(roles or [Role.EMPLOYEE]))
    return user


def account_of(org, user):
    return ConnectedAccountFactory(organization=org, user=user)


def ingest(org, account, *posts):
    run = PullRunFactory(organization=org, account=account)
    with organization_scope(org):
        ids = posts_ingest(organization=org, account=account, run=run, pulled=list(posts))
        found = {p.pk: p for p in Post.objects.filter(organization=org, pk__in=ids).select_related("account")}
        return [found[i] for i in ids]


def ensure_rule(org, **kwargs):
    from monitoring.models import Rule

    with organization_scope(org):
        found = Rule.objects.filter(organization=org, name=kwargs.get("name", "Leaks")).first()
    return found or RuleFactory(organization=org, name=kwargs.pop("name", "Leaks"), **kwargs)


def flagged_item(org, user=None, text="Our launch date leak is out", **rule) -> ReviewItem:
    """A member's post matching a rule, stored by the intake and turned into an item by the review queue."""
    ensure_rule(org, **rule)
    user = user or member(org)
    post = ingest(org, account_of(org, user), pulled(text))[0]
    with organization_scope(org):
        services.items_from_posts(organization=org, post_ids=[post.pk])
        return ReviewItem.objects.get(organization=org, post=post)


def reported_item(org, reporter=None, url="https://social.example/@someone/1") -> ReviewItem:
    reporter = reporter or member(org)
    with organization_scope(org):
        report = services.report_submit(
            organization=org, actor=reporter, url=url, category="harassment", description="Insults a colleague."
        )
        return report.item


def policy(org):
    from policies.models import PolicyKind

    with organization_scope(org):
        return Policy.objects.create(organization=org, title="Social media policy", kind=PolicyKind.SOCIAL_MEDIA)


def violation(org, item=None, moderator=None, consequences=None):
    item = item or flagged_item(org)
    moderator = moderator or member(org, Role.MODERATOR)
    pol = policy(org)
    with organization_scope(org):
        item.refresh_from_db()
        return services.item_decide(
            organization=org,
            actor=moderator,
            item=item,
            version=item.version,
            outcome="violation",
            reasons="It names the launch date before the announcement.",
            policy_id=pol.pk,
            policy_section="§ 3 Confidential information",
            consequences=consequences or [services.ConsequenceInput("warning")],
        )


def appeal(org, decision=None):
    decision = decision or violation(org)
    with organization_scope(org):
        return services.appeal_submit(organization=org, actor=decision.member, decision=decision, text="It was public.")


def now():
    return timezone.now()
