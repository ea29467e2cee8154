"""The review queue's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from tests.monitoring_review.factories import appeal, reported_item, violation

MAKERS = {
    "item_id": lambda org: reported_item(org).pk,
    "decision_id": lambda org: violation(org).pk,
    "appeal_id": lambda org: appeal(org).pk,
}
