"""The weekly digest: new content for each member's team, with one-click share links into the app."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from advocacy.core import mail
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership

from . import selectors
from .models import DigestSend, MemberPreference
from .networks import Network

MAX_ITEMS = 8

# Sections other apps add to the digest (recognition's new badges, ...), registered from their AppConfig.ready
# with register_section("<app>.<module>.<function>"), so this module never imports them. A section is
# f(*, organization, membership, since) -> DigestSection | None, called inside the transaction that records the
# member's digest for the week: a section that marks what it announced commits (or rolls back) with that record,
# so each thing is announced once. A member with no new content still gets the digest when a section has news.
_SECTIONS: list[str] = []


@dataclass(frozen=True)
class DigestSection:
    title: str
    lines: tuple[str, ...]  # plain text, escaped in the HTML
    url: str = ""  # absolute; shown as "link_label"
    link_label: str = ""


def register_section(path: str) -> None:
    if path not in _SECTIONS:
        _SECTIONS.append(path)


def _sections(organization, membership, since) -> list[DigestSection]:
    found = (import_string(path)(organization=organization, membership=membership, since=since) for path in _SECTIONS)
    return [section for section in found if section]


def week_start(day=None):
    day = day or timezone.localdate()
    return day - timedelta(days=day.weekday())


def send_weekly_digest(*, organization, today=None) -> int:
    """Email each active member who has not opted out; at most one digest per member and week, even
    when the task runs twice. Each digest is queued in the mail outbox in the transaction that records it
    for the week, and they are sent together once the run is over (a worker killed midway leaves the
    committed ones to the outbox's sweep; advocacy.core.mail). Returns how many were queued. Opens its own
    transactions."""
    with mail.batch():
        return _send_weekly_digest(organization, today or timezone.localdate())


def _send_weekly_digest(organization, today) -> int:
    week = week_start(today)
    since = timezone.now() - timedelta(days=7)
    sent = 0
    with organization_scope(organization):
        opted_out = set(
            MemberPreference.objects.filter(organization=organization, weekly_digest=False).values_list(
                "user_id", flat=True
            )
        )
        members = list(
            Membership.objects.filter(organization=organization, is_active=True).select_related("user").order_by("pk")
        )
        networks = selectors.settings_for(organization).enabled_networks()
    for membership in members:
        if membership.user_id in opted_out or not membership.user.is_active:
            continue
        with organization_scope(organization), transaction.atomic():
            record, created = DigestSend.objects.get_or_create(
                organization=organization, user=membership.user, week=week
            )
            record = DigestSend.objects.select_for_update().get(pk=record.pk)
            if record.sent_at is not None:
                continue
            items = list(
                selectors.live_items(organization=organization, membership=membership)
                .filter(publish_at__gte=since)
                .select_related("campaign")
                .prefetch_related("hashtags")
                .order_by("-publish_at")[:MAX_ITEMS]
            )
            sections = _sections(organization, membership, since)
            if not items and not sections:
                continue
            base = settings.SITE_URL
            rows = []
            for item in items:
                detail = base + reverse("content_detail", kwargs={"org_slug": organization.slug, "content_id": item.pk})
                rows.append(
                    {
                        "item": item,
                        "url": detail,
                        "share_links": [(Network(n).label, f"{detail}?network={n}") for n in networks],
                    }
                )
            context = {
                "organization": organization,
                "user": membership.user,
                "rows": rows,
                "sections": sections,
                "preferences_url": base + reverse("content_preferences", kwargs={"org_slug": organization.slug}),
                "feed_url": base + reverse("content_feed", kwargs={"org_slug": organization.slug}),
            }
            digest = mail.Mail(
                to=membership.user.email,
                subject=f"{organization.name}: {len(items)} new to share this week"
                if items
                else f"{organization.name}: your week",
                body=mail.render_text("content_library/email/digest.txt", context),
                html=render_to_string("content_library/email/digest.html", context),
                kind="digest",
            )
            mail.queue(organization, [digest])
            record.item_count = len(items)
            record.sent_at = timezone.now()
            record.save(update_fields=["item_count", "sent_at"])
            sent += 1
    return sent
