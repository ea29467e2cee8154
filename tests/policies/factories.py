"""Policies made the way the application makes them: through the services."""

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from policies import services
from policies.models import PolicyVersion
from tests.factories import MembershipFactory, UserFactory

BODY_V1 = """# Purpose

Share our news responsibly.

# Disclosure

Always say you work here when you post about our products.
"""

BODY_V2 = BODY_V1.replace("Always say you work here", "Always disclose that you work here, with #employee,")


def author_of(org):
    return MembershipFactory(organization=org, user=UserFactory(), roles=[Role.HR, Role.EMPLOYEE]).user


def make_policy(org, *, actor=None, title="Social media policy", kind="social_media", body=BODY_V1, **kwargs):
    actor = actor or author_of(org)
    with organization_scope(org):
        policy = services.policy_create(
            organization=org, actor=actor, title=title, kind=kind, body_markdown=body, **kwargs
        )
    return policy


def publish(org, policy, *, actor=None, body=None, change_kind="material", quiz=None, pass_mark=None, **kwargs):
    actor = actor or author_of(org)
    with organization_scope(org):
        from policies.selectors import open_draft

        draft = open_draft(organization=org, policy=policy) or services.draft_start(
            organization=org, actor=actor, policy=policy
        )
        if body is not None or quiz is not None:
            services.draft_save(
                organization=org,
                actor=actor,
                version=draft,
                title=draft.title,
                body_markdown=body if body is not None else draft.body_markdown,
                quiz_source=quiz or "",
                pass_mark=pass_mark,
            )
        version = services.version_publish(
            organization=org, actor=actor, version=draft, change_kind=change_kind, **kwargs
        )
        policy.refresh_from_db()
    return version


def published_policy(org, **kwargs):
    policy = make_policy(org, **kwargs)
    version = publish(org, policy)
    return policy, version


def question(org, **kwargs):
    policy, version = published_policy(org)
    with organization_scope(org):
        return services.question_ask(
            organization=org, actor=author_of(org), version=version, body="Can I post about my team?", **kwargs
        )[0]


def draft_version(org) -> PolicyVersion:
    policy = make_policy(org)
    with organization_scope(org):
        from policies.selectors import open_draft

        return open_draft(organization=org, policy=policy)
