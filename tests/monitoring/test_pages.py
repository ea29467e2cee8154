"""The monitoring pages: members' posts with their filters, brand mentions with the trend, the rules (create,
edit, delete, every error at once, the test box) and the settings; who may see them; query counts."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from monitoring.models import Mention, MonitoringSettings, Post, Rule, RuleMatch
from monitoring.services.intake import mentions_ingest, posts_ingest
from monitoring.services.settings import monitoring_settings_update
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.monitoring.factories import ConnectedAccountFactory, PullRunFactory, RuleFactory, pulled

pytestmark = pytest.mark.django_db


def url(org, name, **query):
    path = reverse(name, kwargs={"org_slug": org.slug})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def poster(org, team=None, name="Pat Poster"):
    user = UserFactory(full_name=name)
    MembershipFactory(organization=org, user=user, team=team)
    return ConnectedAccountFactory(organization=org, user=user)


def ingest(org, account, items):
    run = PullRunFactory(organization=org, account=account)
    with organization_scope(org):
        return posts_ingest(organization=org, account=account, run=run, pulled=items)


@pytest.fixture
def leak(org):
    return RuleFactory(organization=org, name="Leaks", pattern="leak")


@pytest.mark.parametrize("name", ["monitoring_posts", "monitoring_mentions", "monitoring_rules"])
def test_moderators_and_admins_see_the_pages_employees_do_not(org, employee, moderator, admin, client_for, name):
    assert client_for(employee).get(url(org, name)).status_code == 403
    assert client_for(moderator).get(url(org, name)).status_code == 200
    assert client_for(admin).get(url(org, name)).status_code == 200


def test_posts_page_filters(org, moderator, client_for, leak):
    sales, ops = TeamFactory(organization=org, name="Sales"), TeamFactory(organization=org, name="Ops")
    seller, operator = poster(org, sales, "Sam Seller"), poster(org, ops, "Olga Ops")
    ingest(org, seller, [pulled("The plan leaked, awful news"), pulled("What a wonderful launch, I love it")])
    ingest(org, operator, [pulled("Notre équipe a livré la nouvelle version aujourd'hui")])
    bluesky = ConnectedAccountFactory(organization=org, user=operator.user, network="bluesky")
    ingest(
        org, bluesky, [pulled("Old news", network="bluesky", posted_at=timezone.now() - datetime.timedelta(days=60))]
    )
    client = client_for(moderator)

    def texts(**query):
        response = client.get(url(org, "monitoring_posts", **query))
        assert response.status_code == 200
        return sorted(p.text[:12] for p in response.context["page"].object_list)

    assert texts() == ["Notre équipe", "The plan lea", "What a wonde"]
    assert texts(period="all") == ["Notre équipe", "Old news", "The plan lea", "What a wonde"]
    assert texts(team=sales.pk) == ["The plan lea", "What a wonde"]
    assert texts(sentiment="negative") == ["The plan lea"]
    assert texts(sentiment="positive") == ["What a wonde"]
    assert texts(sentiment="not_scored") == ["Notre équipe"]
    assert texts(rule=leak.pk) == ["The plan lea"]
    assert texts(flagged=1) == ["The plan lea"]
    assert texts(network="bluesky", period="all") == ["Old news"]
    page = client.get(url(org, "monitoring_posts")).content.decode()
    assert "<mark>leaked</mark>" in page and "Sam Seller" in page


def test_posts_filters_refuse_another_organizations_ids(org, other_org, moderator, client_for):
    foreign_rule = RuleFactory(organization=other_org)
    foreign_team = TeamFactory(organization=other_org)
    client = client_for(moderator)
    assert client.get(url(org, "monitoring_posts", rule=foreign_rule.pk)).status_code == 404
    assert client.get(url(org, "monitoring_posts", team=foreign_team.pk)).status_code == 404


def test_post_text_is_escaped(org, moderator, client_for, leak):
    ingest(org, poster(org), [pulled("<script>alert(1)</script> leak")])
    page = client_for(moderator).get(url(org, "monitoring_posts")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def _count(client, org, name, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(org, name, **query)).status_code == 200
    return len(captured.captured_queries)


def test_posts_and_mentions_query_counts_do_not_grow(org, moderator, client_for, leak):
    client = client_for(moderator)
    run = PullRunFactory(organization=org, kind="mentions")
    account = poster(org)
    ingest(org, account, [pulled("A leak, sadly")])
    with organization_scope(org):
        mentions_ingest(organization=org, run=run, pulled=[pulled("leak of the brand", author_handle="x@y.example")])
    client.get(url(org, "monitoring_posts"))
    small = {
        name: _count(client, org, name) for name in ("monitoring_posts", "monitoring_mentions", "monitoring_rules")
    }
    for i in range(8):
        ingest(org, poster(org, name=f"Member {i}"), [pulled(f"Leak number {i} and another leak"), pulled("Calm post")])
        RuleFactory(organization=org, name=f"Extra {i}", pattern=f"term{i}")
    with organization_scope(org):
        mentions_ingest(
            organization=org,
            run=run,
            pulled=[pulled(f"leak {i} again", author_handle=f"a{i}@y.example") for i in range(12)],
        )
    large = {name: _count(client, org, name) for name in small}
    assert large == small


def test_mentions_page_draws_the_trend(org, moderator, client_for):
    run = PullRunFactory(organization=org, kind="mentions")
    now = timezone.now()
    with organization_scope(org):
        MonitoringSettings.objects.create(organization=org, brand_terms=["Acme"])
        mentions_ingest(
            organization=org,
            run=run,
            pulled=[
                pulled("Acme is wonderful, love it", author_handle="a@x.example", posted_at=now),
                pulled("Acme is terrible and awful", author_handle="b@x.example", posted_at=now),
                pulled("Acme est formidable", author_handle="c@x.example", posted_at=now - datetime.timedelta(days=3)),
            ],
        )
    response = client_for(moderator).get(url(org, "monitoring_mentions"))
    chart = response.context["chart"]
    assert response.context["trend_total"] == 3
    colours = sorted(s.colour for s in chart.segments)
    assert colours == sorted(["#16a34a", "#dc2626", "#d1d5db"])
    assert len(chart.dots) == 1  # one day with scored mentions: their average
    page = response.content.decode()
    assert "<svg" in page and "Acme is terrible" in page


def test_rule_form_shows_every_error_at_once_and_keeps_what_was_typed(org, moderator, client_for):
    client = client_for(moderator)
    response = client.post(
        url(org, "monitoring_rule_new"),
        {
            "name": "",
            "kind": "regex",
            "pattern": "(unclosed",
            "category": "confidential",
            "severity": "high",
            "sentiment_condition": "any",
            "action": "save",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "pattern"}
    assert "(unclosed" in response.content.decode()
    with organization_scope(org):
        assert not Rule.objects.exists()


def _rule_post(**overrides):
    return {
        "name": "Layoff talk",
        "kind": "phrase",
        "pattern": "layoff\nrestructuring",
        "category": "confidential",
        "severity": "high",
        "sentiment_condition": "any",
        "section": "Confidentiality",
        "enabled": "on",
        "action": "save",
        **overrides,
    }


def test_moderator_creates_edits_and_deletes_a_rule_audited(org, moderator, client_for):
    client = client_for(moderator)
    assert client.post(url(org, "monitoring_rule_new"), _rule_post()).status_code == 302
    with organization_scope(org):
        rule = Rule.objects.get()
        assert (rule.pattern, rule.created_by_id) == ("layoff\nrestructuring", moderator.pk)
        assert MonitoringSettings.objects.get().rules_version == 2
    edit = reverse("monitoring_rule_edit", kwargs={"org_slug": org.slug, "rule_id": rule.pk})
    assert client.get(edit).status_code == 200
    assert client.post(edit, _rule_post(severity="critical", enabled="")).status_code == 302
    with organization_scope(org):
        rule.refresh_from_db()
        assert (rule.severity, rule.enabled) == ("critical", False)
    delete = reverse("monitoring_rule_delete", kwargs={"org_slug": org.slug, "rule_id": rule.pk})
    assert client.post(delete).status_code == 302
    with organization_scope(org):
        assert not Rule.objects.exists()
        actions = list(
            AuditEvent.objects.filter(action__startswith="monitoring.").order_by("pk").values_list("action", flat=True)
        )
        assert actions == ["monitoring.rule_created", "monitoring.rule_changed", "monitoring.rule_deleted"]
        assert MonitoringSettings.objects.get().rules_version == 4


def test_employee_cannot_write_rules_and_nothing_changes(org, employee, client_for):
    rule = RuleFactory(organization=org, name="Keep", pattern="keep")
    client = client_for(employee)
    edit = reverse("monitoring_rule_edit", kwargs={"org_slug": org.slug, "rule_id": rule.pk})
    delete = reverse("monitoring_rule_delete", kwargs={"org_slug": org.slug, "rule_id": rule.pk})
    assert client.post(url(org, "monitoring_rule_new"), _rule_post()).status_code == 403
    assert client.post(edit, _rule_post(name="Changed")).status_code == 403
    assert client.post(delete).status_code == 403
    with organization_scope(org):
        assert list(Rule.objects.values_list("name", "pattern")) == [("Keep", "keep")]
        assert not AuditEvent.objects.filter(action__startswith="monitoring.").exists()


def test_test_box_on_the_rules_page_shows_what_matches_and_why(org, moderator, client_for, leak):
    RuleFactory(organization=org, name="Rivals", kind="competitor", pattern="", sentiment_condition="negative")
    with organization_scope(org):
        MonitoringSettings.objects.create(organization=org, competitors=["Globex"])
    response = client_for(moderator).post(
        url(org, "monitoring_rules"), {"text": "Globex is great. The memo leaked & spread."}
    )
    result = response.context["result"]
    assert [(m.rule_id, m.text, m.via) for m in result.evaluation.checked.matches] == [(leak.pk, "leaked", "word_form")]
    assert [m.text for m in result.evaluation.checked.held_back] == ["Globex"]
    page = response.content.decode()
    assert "<mark>leaked</mark>" in page and "A form of “leak”" in page and "&amp; spread" in page
    with organization_scope(org):
        assert not RuleMatch.objects.exists() and not Post.objects.exists()  # nothing stored


def test_test_box_on_the_editor_tries_the_rule_as_typed_without_saving(org, moderator, client_for):
    response = client_for(moderator).post(
        url(org, "monitoring_rule_new"),
        _rule_post(
            kind="regex", pattern=r"\bq[1-4] (revenue|earnings)\b", action="test", text="Our Q3 earnings are up"
        ),
    )
    assert response.status_code == 200
    matches = response.context["result"].evaluation.checked.matches
    assert [(m.text, m.start, m.end) for m in matches] == [("Q3 earnings", 4, 15)]
    with organization_scope(org):
        assert not Rule.objects.exists()


def test_missing_disclosure_in_the_test_box(org, moderator, client_for):
    RuleFactory(organization=org, name="Disclose", kind="missing_disclosure", pattern="", category="missing_disclosure")
    client = client_for(moderator)
    shared = client.post(url(org, "monitoring_rules"), {"text": "Look at this", "shares_content": "on"})
    assert [m.via for m in shared.context["result"].evaluation.checked.matches] == ["missing_disclosure"]
    tagged = client.post(url(org, "monitoring_rules"), {"text": "Look at this #ad", "shares_content": "on"})
    assert tagged.context["result"].evaluation.checked.matches == []


def test_settings_for_admins_with_every_error_at_once(org, admin, moderator, client_for):
    settings_url = url(org, "monitoring_settings")
    assert client_for(moderator).get(settings_url).status_code == 403
    assert client_for(moderator).post(settings_url, {"brand_terms": "Nope"}).status_code == 403
    with organization_scope(org):
        assert not MonitoringSettings.objects.exists()
    client = client_for(admin)
    bad = client.post(settings_url, {"hashtags": "#ok\nnot a tag", "lexicon": "great 9", "disclosure_tags": "#ad"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"hashtags", "lexicon"}
    with organization_scope(org):
        assert not MonitoringSettings.objects.exists()
    good = client.post(
        settings_url,
        {
            "brand_terms": "Acme\nAcmeflow",
            "hashtags": "#acme",
            "competitors": "Globex",
            "disclosure_tags": "#employee\n#ad",
            "lexicon": "bugfest -2.5",
            "linkedin_credentials": "client:secret-value",
        },
    )
    assert good.status_code == 302
    with organization_scope(org):
        row = MonitoringSettings.objects.get()
        assert (row.brand_terms, row.hashtags, row.disclosure_tags) == (
            ["Acme", "Acmeflow"],
            ["acme"],
            ["employee", "ad"],
        )
        assert row.lexicon == {"bugfest": -2.5} and row.lexicon_version == 2
        assert row.linkedin_credentials_encrypted and "secret-value" not in row.linkedin_credentials_encrypted
        event = AuditEvent.objects.get(action="monitoring.settings_changed")
        assert "secret-value" not in str(event.data)
    page = client.get(settings_url).content.decode()
    assert "secret-value" not in page and "LinkedIn: on" in page


def test_a_lexicon_change_rescores_in_batches(org, admin, django_capture_on_commit_callbacks):
    from advocacy.celery import app

    account = poster(org)
    ingest(org, account, [pulled("The new release is a bugfest"), pulled("A calm day")])
    with organization_scope(org):
        assert Post.objects.get(text__contains="bugfest").sentiment_compound == 0
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
            monitoring_settings_update(organization=org, actor=admin, data={"lexicon": {"bugfest": -3}})
    finally:
        app.conf.task_always_eager = False
    with organization_scope(org):
        rescored = Post.objects.get(text__contains="bugfest")
        assert rescored.sentiment_compound < -0.05 and rescored.lexicon_version == 2
        assert set(Post.objects.values_list("lexicon_version", flat=True)) == {2}
    assert Mention.objects.unscoped().count() == 0
    assert settings.SITE_URL  # the test box's disclosure link comes from the request, not a setting
