"""The policies app's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from tests.policies.factories import published_policy, question

MAKERS = {
    "policy_id": lambda org: published_policy(org)[0].pk,
    "version_id": lambda org: published_policy(org)[1].pk,
    "question_id": lambda org: question(org).pk,
}
