"""The organization's sharing settings and each member's preferences."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction

from advocacy.audit.services import audit_record

from ..models import ContentSettings, MemberPreference
from ..networks import ALL_NETWORKS, clean_mastodon_instance


@transaction.atomic
def content_settings_update(
    *,
    organization,
    actor,
    daily_share_cap: int,
    sharing_start: time | None,
    sharing_end: time | None,
    timezone_name: str,
    networks_enabled: list[str],
    moderators_may_approve: bool,
) -> ContentSettings:
    errors = {}
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"“{timezone_name}” is not a time zone name (for example Europe/Berlin)."
    networks = [n for n in ALL_NETWORKS if n in set(networks_enabled or [])]
    if not networks:
        errors["networks_enabled"] = "Enable at least one network."
    if (sharing_start is None) != (sharing_end is None):
        errors["sharing_end"] = "Set both the opening and the closing time, or neither."
    elif sharing_start is not None and sharing_start == sharing_end:
        errors["sharing_end"] = "The closing time must differ from the opening time."
    if daily_share_cap is None or daily_share_cap < 0:
        errors["daily_share_cap"] = "Enter 0 (no limit) or a positive number."
    if errors:
        raise ValidationError(errors)
    obj, _ = ContentSettings.objects.get_or_create(organization=organization)
    obj.daily_share_cap = daily_share_cap
    obj.sharing_start, obj.sharing_end = sharing_start, sharing_end
    obj.timezone = timezone_name
    obj.networks_enabled = networks
    obj.moderators_may_approve = moderators_may_approve
    obj.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="content.settings_changed",
        target=obj,
        data={"daily_share_cap": daily_share_cap, "networks": networks, "timezone": timezone_name},
    )
    return obj


@transaction.atomic
def preference_update(*, organization, actor, weekly_digest: bool, mastodon_instance: str = "") -> MemberPreference:
    instance = ""
    if (mastodon_instance or "").strip():
        instance = clean_mastodon_instance(mastodon_instance)
        if not instance:
            raise ValidationError({"mastodon_instance": "Enter your Mastodon server, for example mastodon.social."})
    pref, _ = MemberPreference.objects.get_or_create(organization=organization, user=actor)
    pref.weekly_digest = weekly_digest
    pref.mastodon_instance = instance
    pref.save()
    return pref
