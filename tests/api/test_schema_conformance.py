"""Schemathesis against /api/schema/: every operation of the published schema is called in-process (the
WSGI application, the test's database transaction) with a real bearer token, with schema-valid and
schema-violating requests, and every answer is checked against the schema.

What counts as a finding (schemathesis' own checks, all enabled):
- an answer that the schema does not describe (status code, content type, headers, body), or a 5xx;
- a request that violates the schema (wrong type, format, length, enum value, missing field) accepted;
- a schema-valid request refused for a reason the schema could have stated. Some rules cannot be stated
  in a JSON schema: names unique in the organization, ids that must exist in it, state changes (a member
  already deactivated), per-network caption lengths that count a link as 23 characters. Those refusals are
  400s with the rule's own sentence, so schema-valid data may be answered 400, but `refused_by_a_rule`
  fails the run if any message of such a 400 is a request-parsing message (DRF's field messages: "Not a
  valid string.", "Ensure this field has no more than 80 characters.", ...): what the parser refuses, the
  schema must refuse too.

Bounded and deterministic: a fixed number of examples per operation, derandomized, no example database.
"""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework import fields, relations
from rest_framework import serializers as drf_serializers
from schemathesis import GenerationMode
from schemathesis.generation.meta import ParameterLocation

from advocacy.api import inputs
from advocacy.api.pagination import CursorPagination
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.wsgi import application
from content_library import services as content_services
from content_library.models import ContentItem, ContentRevision
from tests.content_library.factories import (
    CampaignFactory,
    ContentItemFactory,
    HashtagFactory,
    ShareFactory,
    TopicFactory,
)
from tests.factories import InvitationFactory, MembershipFactory, TeamFactory, UserFactory
from tests.policies.factories import published_policy

pytestmark = pytest.mark.django_db

SLUG = "acme-test"  # the `org` fixture's
TOKEN = "adv_schema-conformance-0123456789abcdefghijklmnop"
MAX_EXAMPLES = 12

CONFIG = schemathesis.Config.from_dict(
    {
        "headers": {"Authorization": f"Bearer {TOKEN}"},
        "parameters": {"org_slug": SLUG},
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            # PostgreSQL text cannot hold NUL: DRF refuses it ("Null characters are not allowed."), everywhere.
            "allow-x00": False,
            # Unknown query parameters are ignored, as public APIs do for forward compatibility (a client
            # built against a later version keeps working); the schema lists every parameter that counts.
            "allow-extra-parameters": False,
        },
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


def _pattern(template: str) -> str:
    return re.sub(r"\\\{\w+\\\}", ".+", re.escape(str(template)))


# A value that does not have the `format` the schema names (date, date-time, email) is refused by its
# field: the schema states that rule, though OpenAPI 3.1 makes `format` an annotation that generators may
# ignore (schemathesis sends "" for a date-time).
FORMATS = {(fields.DateField, "invalid"), (fields.DateTimeField, "invalid"), (fields.EmailField, "invalid")}


def _parsing_messages() -> re.Pattern:
    """Every message the request parser can answer with: DRF's field and serializer messages (but a wrong
    format's), the JSON type messages of `advocacy.api.inputs`, and the page size's."""
    templates = {inputs.STRING, inputs.INTEGER, inputs.NUMBER, inputs.BOOLEAN, inputs.ARRAY, inputs.OBJECT}
    templates.add(CursorPagination()._page_size_message())
    formats = {str(cls.default_error_messages[key]) for cls, key in FORMATS}
    for module in (fields, relations, drf_serializers):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, fields.Field):
                for cls in obj.__mro__:
                    templates.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    templates -= formats
    alternatives = "|".join(sorted(_pattern(t) for t in templates))
    return re.compile(rf"(?:.+: )?(?:Item \d+: )?(?:{alternatives})", re.S)


PARSING = _parsing_messages()


def _messages(details):
    if isinstance(details, dict):
        for value in details.values():
            yield from _messages(value)
    elif isinstance(details, list):
        for value in details:
            yield from _messages(value)
    else:
        yield str(details)


def refused_by_a_rule(ctx, response, case):
    """A schema-valid request answered 400 was refused by a rule of the service, not by the parser."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE or response.status_code != 400:
        return None
    error = response.json()["error"]
    parsing = [m for m in _messages(error["details"]) if PARSING.fullmatch(m)]
    assert not parsing, f"Schema-valid input refused by the request parser: {parsing}"
    return None


@pytest.fixture
def same_connection():
    """Requests run in the test's transaction, as under Django's test client (which disconnects these)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def objects(same_connection, org, make_token):
    """A member with every role and the token of the config, and one object of each kind the paths name."""
    assert org.slug == SLUG
    user = UserFactory(email="everyone@acme-test.example")
    MembershipFactory(organization=org, user=user, roles=list(Role.values))
    make_token(user, org, raw=TOKEN)
    MembershipFactory(organization=org, roles=[Role.ADMIN])  # so that the other admin may lose the role
    team = TeamFactory(organization=org, name="Marketing")
    member = MembershipFactory(organization=org, team=team)
    TopicFactory(organization=org)
    hashtag = HashtagFactory(organization=org)
    campaign = CampaignFactory(organization=org)
    linked = ContentItemFactory(organization=org, campaign=campaign)
    ContentItemFactory(organization=org, kind=ContentItem.Kind.TEXT, url="")
    share = ShareFactory(organization=org, user=user, content=linked)
    with organization_scope(org):
        suggested = content_services.suggestion_create(
            organization=org, actor=member.user, url="https://news.example.com/idea", title="An idea"
        )
        revision = ContentRevision.objects.get(content=suggested)
    policy, version = published_policy(org)
    invitation = InvitationFactory(organization=org, team=team)
    return {
        "hashtag_id": hashtag.pk,
        "share_id": share.pk,
        "revision_id": revision.pk,
        "team_id": team.pk,
        "member_id": member.pk,
        "content_id": linked.pk,
        "campaign_id": campaign.pk,
        "policy_id": policy.pk,
        "version_id": version.pk,
        "invitation_id": invitation.pk,
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case, objects):
    # Ids of real objects, so that detail operations reach their serializers (a generated id is a 404);
    # a path generated to be invalid stays as generated (replacing it would make the request valid).
    if not (case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)):
        case.path_parameters = {name: objects.get(name, v) for name, v in (case.path_parameters or {}).items()}
    case.call_and_validate(additional_checks=[refused_by_a_rule])
