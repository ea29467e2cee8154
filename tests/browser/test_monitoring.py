"""Monitoring in a real browser: a moderator opens Members' posts from the sidebar, filters to a matched rule,
creates a rule after the form refused it with every error at once, and tries the rules' test box (matches
highlighted, why). Screenshots at desktop width and at 390 px (tests/screenshots/monitoring-*.png)."""

import pytest

from advocacy.tenancy.context import organization_scope
from monitoring.models import MonitoringSettings
from monitoring.services.intake import mentions_ingest, posts_ingest
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.monitoring.factories import ConnectedAccountFactory, PullRunFactory, RuleFactory, pulled

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _data(org):
    team = TeamFactory(organization=org, name="Sales")
    user = UserFactory(full_name="Sam Seller")
    MembershipFactory(organization=org, user=user, team=team)
    account = ConnectedAccountFactory(organization=org, user=user, handle="sam@social.example")
    with organization_scope(org):
        MonitoringSettings.objects.create(
            organization=org, brand_terms=["Acme"], hashtags=["acme"], competitors=["Globex"]
        )
    RuleFactory(organization=org, name="Confidential leaks", pattern="leak\nProject Falcon", severity="high")
    RuleFactory(
        organization=org,
        name="Negative about a competitor",
        kind="competitor",
        pattern="",
        category="competitor",
        severity="medium",
        sentiment_condition="negative",
    )
    run = PullRunFactory(organization=org, account=account)
    with organization_scope(org):
        posts_ingest(
            organization=org,
            account=account,
            run=run,
            pulled=[
                pulled("Project Falcon slides leaked before the launch. Globex will love this, what a mess.", likes=12),
                pulled("Proud of the team: our new release is out today! #acme", likes=40, reposts=9),
                pulled("Nous avons livré la nouvelle version aujourd'hui, bravo à toute l'équipe"),
            ],
        )
        mentions_ingest(
            organization=org,
            run=PullRunFactory(organization=org, kind="mentions"),
            pulled=[
                pulled("Acme support solved my problem in minutes, great service", author_handle="fan@else.example"),
                pulled("Acme's outage again, terrible", author_handle="grumpy@else.example"),
            ],
        )


def test_moderator_reviews_posts_and_tries_rules(org, moderator, sign_in, screenshot):
    _data(org)
    page = sign_in(moderator)
    page.goto(f"{page.base}/o/{org.slug}/")
    page.get_by_role("link", name="Members' posts").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("mark", has_text="leaked").count() == 1
    assert page.locator("text=Not scored").count() >= 1  # the French post: not scored, never neutral
    screenshot(page, "monitoring-posts")

    page.select_option("#f-rule", label="Confidential leaks")
    page.click("button:has-text('Apply')")
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() == 1

    page.goto(f"{page.base}/o/{org.slug}/monitoring/mentions/")
    assert page.locator("svg.monitor-chart rect").count() >= 2
    screenshot(page, "monitoring-mentions")

    page.goto(f"{page.base}/o/{org.slug}/monitoring/rules/")
    page.fill("#id_text", "Globex shipped late again, awful. Our Q3 numbers leaked on Project Falcon.")
    page.click("button:has-text('Test')")
    page.wait_for_load_state("networkidle")
    result = page.locator("#test-result")
    assert result.locator("mark", has_text="leaked").count() >= 1
    assert result.locator("text=A form of “leak”").count() == 1
    assert result.locator("text=The competitor “globex”").count() == 1
    screenshot(page, "monitoring-rules-test")

    page.click("text=New rule")
    page.fill("#id_name", "")
    page.select_option("#id_kind", "regex")
    page.fill("#id_pattern", "(unclosed")
    page.click("button:has-text('Create rule')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".has-error").count() == 2  # the name and the expression, at once
    assert page.locator("#id_pattern").input_value() == "(unclosed"  # nothing typed is lost
    page.fill("#id_name", "Quarterly results")
    page.fill("#id_pattern", r"\b(q[1-4]|quarterly)\s+(revenue|earnings|results)\b")
    page.fill("#id_text", "Our Q3 earnings look great")
    page.click("button:has-text('Test')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#test-result mark", has_text="Q3 earnings").count() >= 1
    screenshot(page, "monitoring-rule-edit")
    page.click("button:has-text('Create rule')")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=Rule “Quarterly results” created.").count() == 1

    phone = sign_in(moderator, viewport=PHONE)
    phone.goto(f"{phone.base}/o/{org.slug}/monitoring/posts/")
    screenshot(phone, "monitoring-posts-phone")
    phone.goto(f"{phone.base}/o/{org.slug}/monitoring/rules/")
    phone.fill("#id_text", "The roadmap leaked")
    phone.click("button:has-text('Test')")
    phone.wait_for_load_state("networkidle")
    screenshot(phone, "monitoring-rules-test-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing wider than the phone
