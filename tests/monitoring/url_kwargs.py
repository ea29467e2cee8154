"""The monitoring app's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from tests.monitoring.factories import RuleFactory

MAKERS = {
    "rule_id": lambda org: RuleFactory(organization=org).pk,
}
