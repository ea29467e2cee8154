"""Content library factories: created through the services where rules matter (tests/ helpers)."""

import factory
from django.utils import timezone

from content_library.models import Campaign, ContentItem, Hashtag, Share, Topic
from tests.factories import TenantFactory, UserFactory


class HashtagFactory(TenantFactory):
    class Meta:
        model = Hashtag

    name = factory.Sequence(lambda n: f"Tag{n}")
    key = factory.LazyAttribute(lambda o: o.name.lower())


class TopicFactory(TenantFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CampaignFactory(TenantFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    status = Campaign.Status.ACTIVE


class ContentItemFactory(TenantFactory):
    class Meta:
        model = ContentItem

    kind = ContentItem.Kind.LINK
    title = factory.Sequence(lambda n: f"Article number {n}")
    summary = "A short summary of the article."
    url = factory.Sequence(lambda n: f"https://news.example.com/articles/{n}")
    status = ContentItem.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))


class ShareFactory(TenantFactory):
    class Meta:
        model = Share

    user = factory.SubFactory(UserFactory)
    content = factory.SubFactory(ContentItemFactory, organization=factory.SelfAttribute("..organization"))
    network = "linkedin"
    code = factory.Sequence(lambda n: f"code{n:04d}")
    destination = factory.LazyAttribute(lambda o: o.content.url + "?utm_source=linkedin")
