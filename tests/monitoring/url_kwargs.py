"""The monitoring app's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from advocacy.tenancy.context import organization_scope
from monitoring.services.intake import mentions_ingest, posts_ingest
from tests.monitoring.factories import ConnectedAccountFactory, PullRunFactory, RuleFactory, pulled


def post(org):
    account = ConnectedAccountFactory(organization=org)
    run = PullRunFactory(organization=org, account=account)
    with organization_scope(org):
        return posts_ingest(organization=org, account=account, run=run, pulled=[pulled("A member's post")])[0]


def mention(org):
    run = PullRunFactory(organization=org, kind="mentions")
    with organization_scope(org):
        items = [pulled("Someone else's post", author_handle="someone@else.example")]
        return mentions_ingest(organization=org, run=run, pulled=items)[0]


MAKERS = {
    "rule_id": lambda org: RuleFactory(organization=org).pk,
    "post_id": post,
    "mention_id": mention,
}
