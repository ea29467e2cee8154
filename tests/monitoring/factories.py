"""Monitoring factories: connected accounts, pull runs, rules and settings written with the ORM, and pulled
posts as a network adapter hands them to the intake (monitoring.networks.base.PulledPost)."""

import datetime
import itertools

import factory
from django.utils import timezone

from monitoring.models import ConnectedAccount, MonitoringSettings, PullRun, Rule
from monitoring.networks.base import Counts, PulledPost
from tests.factories import TenantFactory, UserFactory


class ConnectedAccountFactory(TenantFactory):
    class Meta:
        model = ConnectedAccount

    user = factory.SubFactory(UserFactory)
    network = "mastodon"
    instance_url = "https://social.example"
    handle = factory.Sequence(lambda n: f"member{n}@social.example")
    external_id = factory.Sequence(lambda n: f"{100000 + n}")
    display_name = "A member"
    state = ConnectedAccount.State.CONNECTED


class PullRunFactory(TenantFactory):
    class Meta:
        model = PullRun

    account = None
    kind = PullRun.Kind.POSTS
    started_at = factory.LazyFunction(timezone.now)


class RuleFactory(TenantFactory):
    class Meta:
        model = Rule

    name = factory.Sequence(lambda n: f"Rule {n}")
    kind = Rule.Kind.PHRASE
    pattern = "leak"
    category = Rule.Category.CONFIDENTIAL
    severity = Rule.Severity.HIGH


class MonitoringSettingsFactory(TenantFactory):
    class Meta:
        model = MonitoringSettings


_ids = itertools.count(1)


def pulled(text: str = "A post about our work", **kwargs) -> PulledPost:
    """A post as an adapter returns it; `external_id` defaults to a fresh one."""
    counts = kwargs.pop("counts", None) or Counts(
        **{k: kwargs.pop(k) for k in ("likes", "reposts", "replies", "quotes") if k in kwargs}
    )
    external_id = kwargs.pop("external_id", None) or f"status-{next(_ids)}"
    return PulledPost(
        network=kwargs.pop("network", "mastodon"),
        external_id=external_id,
        url=kwargs.pop("url", f"https://social.example/@member/{external_id}"),
        text=text,
        posted_at=kwargs.pop("posted_at", timezone.now() - datetime.timedelta(hours=1)),
        counts=counts,
        **kwargs,
    )
