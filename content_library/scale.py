"""Bench data for the content library (`generate_scale_data --content N --shares N --clicks N`) and
the setups of its bench targets. Bulk inserts; every step tops up to the requested totals."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from advocacy.core.scale import ScaleContext, option, scale_step
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership

from .demo import _sync_counters
from .models import ClickDaily, ContentHashtag, ContentItem, Hashtag, Share
from .networks import ALL_NETWORKS

PREFIX = "Scale item "
BATCH = 5000
HASHTAGS = 40


def _hashtags(organization) -> list[Hashtag]:
    existing = {h.key for h in Hashtag.objects.filter(organization=organization)}
    Hashtag.objects.bulk_create(
        [
            Hashtag(organization=organization, name=f"ScaleTag{i}", key=f"scaletag{i}", is_campaign=i < 4)
            for i in range(HASHTAGS)
            if f"scaletag{i}" not in existing
        ]
    )
    return list(Hashtag.objects.filter(organization=organization, key__startswith="scaletag").order_by("pk"))


@scale_step(
    option("--content", type=int, default=0, metavar="N", help="published content items in the organization"),
    option("--shares", type=int, default=0, metavar="N", help="confirmed shares of those items"),
    option("--clicks", type=int, default=0, metavar="N", help="clicks on the shares' tracked links (daily rollups)"),
)
def generate_content(organization, ctx):
    wanted_items, wanted_shares, wanted_clicks = (ctx.options.get(k) or 0 for k in ("content", "shares", "clicks"))
    if not (wanted_items or wanted_shares or wanted_clicks):
        return
    now = timezone.now()
    tags = _hashtags(organization)
    have = ContentItem.objects.filter(organization=organization, title__startswith=PREFIX).count()
    for start in range(have, wanted_items, BATCH):
        items = ContentItem.objects.bulk_create(
            [
                ContentItem(
                    organization=organization,
                    title=f"{PREFIX}{i:06d}: quarterly planning insights for growing teams",
                    summary="How teams plan their quarter, with templates and examples to share with your network.",
                    url=f"https://www.{organization.slug}.example/blog/scale-{i}",
                    captions={"linkedin": "Worth a read for anyone planning their next quarter."},
                    status=ContentItem.Status.PUBLISHED,
                    publish_at=now - timedelta(minutes=10 * i + 10),
                    search_text=f"#{tags[i % len(tags)].name} #{tags[(i + 7) % len(tags)].name}",
                )
                for i in range(start, min(start + BATCH, wanted_items))
            ]
        )
        ContentHashtag.objects.bulk_create(
            [
                ContentHashtag(organization=organization, content=item, hashtag=tags[(item.pk + k * 7) % len(tags)])
                for item in items
                for k in range(2)
            ],
            ignore_conflicts=True,
        )
    ctx.log(f"content: {max(0, wanted_items - have)} items created, {max(have, wanted_items)} in total")

    if wanted_shares:
        item_ids = list(
            ContentItem.objects.filter(organization=organization, title__startswith=PREFIX).values_list("pk", flat=True)
        )
        user_ids = list(
            Membership.objects.filter(organization=organization, is_active=True).values_list("user_id", flat=True)
        )
        have_shares = Share.objects.filter(organization=organization, code__startswith=f"b{organization.pk:x}-").count()
        made = 0
        rows = []
        n_items, n_users, n_nets = len(item_ids), len(user_ids), len(ALL_NETWORKS)
        for i in range(have_shares, wanted_shares):
            # i -> a distinct (user, item, network) as long as shares <= users * items * networks;
            # every item gets about shares / items of them
            item = item_ids[i % n_items]
            rest = i // n_items
            user = user_ids[rest % n_users]
            network = ALL_NETWORKS[(rest // n_users) % n_nets]
            confirmed = now - timedelta(minutes=(i * 13) % (60 * 24 * 30))
            rows.append(
                Share(
                    organization=organization,
                    user_id=user,
                    content_id=item,
                    network=network,
                    caption="Worth a read",
                    code=f"b{organization.pk:x}-{i:x}",
                    destination=f"https://www.{organization.slug}.example/blog/{item}?utm_source={network}",
                    status=Share.Status.CONFIRMED,
                    prepared_at=confirmed,
                    confirmed_at=confirmed,
                )
            )
            if len(rows) == BATCH:
                Share.objects.bulk_create(rows, ignore_conflicts=True)
                made += len(rows)
                rows = []
        if rows:
            Share.objects.bulk_create(rows, ignore_conflicts=True)
            made += len(rows)
        ctx.log(f"content: {made} shares created")

    if wanted_clicks:
        have_clicks = sum(ClickDaily.objects.filter(organization=organization).values_list("clicks", flat=True))
        missing = wanted_clicks - have_clicks
        if missing > 0:
            share_count = Share.objects.filter(organization=organization).count()
            per_share, remainder = divmod(missing, max(1, share_count))
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO content_library_clickdaily
                        (organization_id, share_id, day, clicks, user_id, content_id, campaign_id, network,
                         keep_months)
                    SELECT s.organization_id, s.id, (s.confirmed_at AT TIME ZONE 'UTC')::date,
                           %s + CASE WHEN row_number() OVER (ORDER BY s.id) <= %s THEN 1 ELSE 0 END,
                           s.user_id, s.content_id, s.campaign_id, s.network, %s
                    FROM content_library_share s
                    WHERE s.organization_id = %s
                    ON CONFLICT (organization_id, share_id, day, keep_months)
                    DO UPDATE SET clicks = content_library_clickdaily.clicks + EXCLUDED.clicks
                    """,
                    [per_share, remainder, organization.click_retention_months, organization.pk],
                )
            ctx.log(f"content: {missing} clicks added")
    _sync_counters(organization)
    ctx.log("content: counters synced")


@scale_step(
    option(
        "--small-org-content",
        type=int,
        default=0,
        metavar="N",
        help="content items in each small organization (--orgs), each shared 3 times with 10 clicks per share",
    )
)
def generate_small_org_content(organization, ctx):
    """The small organizations get content, shares and clicks of their own (the growth run: many tenants,
    each with a little of everything), each in its own scope. Tops up like the other steps."""
    items = ctx.options.get("small_org_content") or 0
    if items <= 0:
        return
    per_org = ScaleContext(
        options={"content": items, "shares": 3 * items, "clicks": 30 * items},
        password_hash=ctx.password_hash,
        log=lambda _message: None,
    )
    for small in ctx.small_organizations:
        with organization_scope(small):
            generate_content(small, per_org)
    ctx.log(f"content: {items} items, {3 * items} shares each in {len(ctx.small_organizations)} small organizations")


def bench_link(organization) -> dict:
    """A tracked link of the organization for the /l/<code> target."""
    share = Share.objects.filter(organization=organization).exclude(code=None).order_by("pk").first()
    if share is None:
        item = ContentItem.objects.filter(organization=organization).order_by("pk").first()
        user_id = Membership.objects.filter(organization=organization).values_list("user_id", flat=True).first()
        if item is None:
            item = ContentItem.objects.create(
                organization=organization,
                title="Bench link",
                url="https://www.example.com/bench",
                status=ContentItem.Status.PUBLISHED,
                publish_at=timezone.now(),
            )
        share = Share.objects.create(
            organization=organization,
            user_id=user_id,
            content=item,
            network="linkedin",
            code=f"b{organization.pk:x}-bench",
            destination=item.url + "?utm_source=linkedin",
            status=Share.Status.CONFIRMED,
            confirmed_at=timezone.now(),
        )
    return {"code": share.code}
