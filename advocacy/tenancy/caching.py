"""Redis-cached reads on every page: the organization for a slug, the switcher, the home statistics.

Keys carry the organization or user id. Writes through the ORM drop the affected keys (signals,
now and again on commit so a reader racing the transaction cannot keep stale data); bulk writes that
bypass signals are covered by short lifetimes.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from advocacy.core.cache import _get, cached, drop, prefetch, version_key  # noqa: F401 - cached: selectors

from .models import Invitation, Membership, Organization, Team

ORG_TTL = 300
SWITCHER_TTL = 300
STATS_TTL = 60
MEMBERSHIP_TTL = 300


def org_key(slug: str) -> str:
    return f"tenancy:org-by-slug:{slug}"


def switcher_key(user_id: int) -> str:
    return f"tenancy:switcher:{user_id}"


def membership_key(organization_id: int, user_id: int) -> str:
    return f"tenancy:membership:{organization_id}:{user_id}"


def stats_key(organization_id: int) -> str:
    return f"tenancy:home-stats:{organization_id}"


def organization_by_slug(slug: str) -> Organization | None:
    key = org_key(slug)
    organization = _get(key)
    if organization is None:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is not None:
            cache.set(key, organization, ORG_TTL)
    return organization


# Keys other apps want fetched with the membership, in the same round trip: f(request, organization,
# user_id, subpath) -> keys, where subpath is the path after /o/<slug>/ ("" on the home page). The
# request is not yet authenticated (the session may be read, the user and membership may not).
ORG_REQUEST_KEYS: list = []


def prefetch_for_request(*, slug: str, session_cache_key: str | None) -> None:
    """Stage 1 of a request under /o/<slug>/: the organization and the session together."""
    prefetch([org_key(slug), session_cache_key] if session_cache_key else [org_key(slug)])


def prefetch_for_membership(*, request, organization, user_id, subpath: str = "", with_user: bool = True) -> None:
    """Stage 2, once the organization and the user id are known: the user, the membership, the
    switcher, on the home page (subpath "") its statistics, and other apps' keys, in one round trip."""
    from advocacy.accounts.backends import user_cache_key

    organization_id = organization.pk
    key = membership_key(organization_id, user_id)
    keys = [key, version_key(key), switcher_key(user_id)]
    if subpath == "":
        keys.append(stats_key(organization_id))
    if with_user:
        user_key = user_cache_key(user_id)
        keys += [user_key, version_key(user_key)]
    for more in ORG_REQUEST_KEYS:
        keys += more(request, organization, user_id, subpath)
    prefetch(keys)


def _organization_changed(sender, instance, **kwargs):
    """Also the members' switchers (they show the name), wherever the change is made: the settings page
    (already in the organization's scope) or the operator's admin (in none), so the members are read
    in the organization's own scope."""
    from .context import current_organization, organization_scope

    active = current_organization()
    if active is not None and active.pk == instance.pk:
        user_ids = list(Membership.objects.values_list("user_id", flat=True))
    else:
        with organization_scope(instance):
            user_ids = list(Membership.objects.values_list("user_id", flat=True))
    drop(org_key(instance.slug), stats_key(instance.pk), *(switcher_key(user_id) for user_id in user_ids))


def _organization_saving(sender, instance, **kwargs):
    """A slug change (the operator's admin allows it) must drop the entry under the old slug too, or the
    old address keeps resolving and would shadow an organization later given that slug."""
    if instance.pk is None:
        return
    old_slug = Organization.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old_slug and old_slug != instance.slug:
        drop(org_key(old_slug))


def _membership_changed(sender, instance, **kwargs):
    drop(
        switcher_key(instance.user_id),
        stats_key(instance.organization_id),
        membership_key(instance.organization_id, instance.user_id),
    )


def _counted_row_changed(sender, instance, **kwargs):
    drop(stats_key(instance.organization_id))


def _team_changed(sender, instance, **kwargs):
    """Cached memberships carry their team: drop those of the team's members (before a delete, while
    they still point at it)."""
    user_ids = Membership.objects.unscoped().filter(team_id=instance.pk).values_list("user_id", flat=True)
    keys = [membership_key(instance.organization_id, user_id) for user_id in user_ids]
    drop(stats_key(instance.organization_id), *keys)


def connect_signals() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_organization_changed, sender=Organization, dispatch_uid=f"org-cache-{signal}")
        signal.connect(_membership_changed, sender=Membership, dispatch_uid=f"membership-cache-{signal}")
        signal.connect(_counted_row_changed, sender=Invitation, dispatch_uid=f"invitation-cache-{signal}")
    pre_save.connect(_organization_saving, sender=Organization, dispatch_uid="org-cache-slug")
    post_save.connect(_team_changed, sender=Team, dispatch_uid="team-cache-save")
    pre_delete.connect(_team_changed, sender=Team, dispatch_uid="team-cache-delete")
