"""Recognition's section of the content library's weekly digest: the badges a member earned that no digest has
announced yet (registered from RecognitionConfig.ready; content_library never imports recognition)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from content_library.digest import DigestSection

from . import services


def _line(badge) -> str:
    name = f"{badge.symbol} {badge.name}".strip()
    return f"{name} — {badge.description}" if badge.description else name


def badges_section(*, organization, membership, since) -> DigestSection | None:
    awards = services.badges_announce_in_digest(organization=organization, user=membership.user)
    if not awards:
        return None
    lines = tuple(_line(award.badge) for award in awards)
    profile = reverse(
        "recognition_member", kwargs={"org_slug": organization.slug, "member_user_id": membership.user_id}
    )
    return DigestSection(
        title=_("New badges for you") if len(awards) > 1 else _("A new badge for you"),
        lines=lines,
        url=settings.SITE_URL + profile,
        link_label=_("See your badges"),
    )
