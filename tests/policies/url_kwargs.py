"""The policies app's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from datetime import timedelta

from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from policies import services
from tests.policies.factories import author_of, published_policy, question
from tests.policies.training_factories import make_checkin, make_workshop, published_course


def feedback_round(org):
    policy, _version = published_policy(org)
    with organization_scope(org):
        return services.feedback_round_open(
            organization=org,
            actor=author_of(org),
            policy=policy,
            prompt="Does this policy fit how you work?",
            closes_on=timezone.localdate() + timedelta(days=7),
        )


def policy_review(org):
    policy, _version = published_policy(org)
    with organization_scope(org):
        return services.policy_review_record(
            organization=org, actor=author_of(org), policy=policy, notes="Checked: still right."
        )


MAKERS = {
    "policy_id": lambda org: published_policy(org)[0].pk,
    "version_id": lambda org: published_policy(org)[1].pk,
    "question_id": lambda org: question(org).pk,
    "round_id": lambda org: feedback_round(org).pk,
    "review_id": lambda org: policy_review(org).pk,
    "course_id": lambda org: published_course(org).pk,
    "lesson_index": lambda org: 0,
    "workshop_id": lambda org: make_workshop(org).pk,
    "checkin_id": lambda org: make_checkin(org).pk,
}
