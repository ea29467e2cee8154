"""Content library factories: created through the services where rules matter (tests/ helpers)."""

from datetime import UTC

import factory
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.models import Campaign, ContentItem, Hashtag, Share, Topic
from content_library.services.share_days import share_day_add
from tests.factories import TenantFactory, UserFactory


class ContentFactory(TenantFactory):
    """Rows written straight to the tables with the ORM (the cache contract sees the writes)."""

    class Meta:
        abstract = True


class HashtagFactory(ContentFactory):
    class Meta:
        model = Hashtag

    name = factory.Sequence(lambda n: f"Tag{n}")
    key = factory.LazyAttribute(lambda o: o.name.lower())


class TopicFactory(ContentFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CampaignFactory(ContentFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    status = Campaign.Status.ACTIVE


class ContentItemFactory(ContentFactory):
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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        share = super()._create(model_class, *args, **kwargs)
        if share.status == Share.Status.CONFIRMED and share.confirmed_at:
            # what share_confirm does: the day's rollup
            with organization_scope(share.organization):
                share_day_add(
                    organization=share.organization,
                    content_id=share.content_id,
                    day=share.confirmed_at.astimezone(UTC).date(),
                )
        return share


def png_bytes(width: int = 400, height: int = 300, color=(200, 30, 30), fmt: str = "PNG") -> bytes:
    """A real image file's bytes (Pillow), for uploads."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format=fmt)
    return buf.getvalue()


def create_content(org, actor, **kwargs):
    """An item made through the service as a curator would (a link to the office news unless told)."""
    values = {"title": "Our new office opens", "url": "https://acme.example/office"}
    values.update(kwargs)
    with organization_scope(org):
        return services.content_create(organization=org, actor=actor, **values)
