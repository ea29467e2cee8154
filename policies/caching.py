"""Cached reads of the policies app: the onboarding banner's "what must I still acknowledge" list (per
member) and the acknowledgement report's counts, team list and versions (per version).

Keys carry a per-organization generation that any write to the policies tables bumps (publish,
archive, audience, acknowledgement, settings), so a cached list never outlives a change; the short
lifetime covers what time alone changes (an acknowledgement whose refresh period runs out).
"""

import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

PENDING_TTL = 300
REPORT_TTL = 600


def _generation_key(organization_id: int) -> str:
    return f"policies:generation:{organization_id}"


def pending_key(organization_id: int, user_id: int) -> str:
    """Holds (generation, pending list): a list under an older generation is not served."""
    return f"policies:pending:v2:{organization_id}:{user_id}"


def report_key(organization_id: int, version_id: int, generation: str) -> str:
    return f"policies:report:v4:{organization_id}:{version_id}:{generation}"


def generation(organization_id: int) -> str:
    """A random token, replaced on every change: unlike a counter it cannot come back to an old value
    if Redis evicts it, so an entry cached under an old generation is never served again."""
    from advocacy.core.cache import cached

    return cached(_generation_key(organization_id), None, lambda: secrets.token_hex(8))


def bump(organization_id: int) -> None:
    key = _generation_key(organization_id)

    def do():
        cache.set(key, secrets.token_hex(8), None)

    do()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(do)


def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """Fetched with the membership at the start of each request: the generation, and on the
    organization's home page (subpath "") the member's onboarding banner."""
    organization_id = organization.pk
    if subpath == "":
        return [_generation_key(organization_id), pending_key(organization_id, user_id)]
    return [_generation_key(organization_id)]


def _changed(sender, instance, **kwargs):
    organization_id = getattr(instance, "organization_id", None)
    if organization_id is not None:
        bump(organization_id)


def _person_changed(sender, instance, update_fields=None, **kwargs):
    """A person's name or address shows in the acknowledgement reports of their organizations (their
    cached pages of people): a change bumps those organizations' generations. Sign-ins (last_login)
    and other saves naming their fields do not."""
    if update_fields is not None and not {"full_name", "email"} & set(update_fields):
        return
    from advocacy.tenancy.context import user_scope
    from advocacy.tenancy.models import Membership

    with user_scope(instance):  # row-level security shows a person's own memberships in every organization
        organization_ids = list(
            Membership.objects.unscoped().filter(user_id=instance.pk).values_list("organization_id", flat=True)
        )
    for organization_id in organization_ids:
        bump(organization_id)


def _organization_changed(sender, instance, **kwargs):
    bump(instance.pk)  # organization settings (sharing gate, refresh periods) live on it


def connect_signals() -> None:
    from django.apps import apps

    from advocacy.tenancy.caching import ORG_REQUEST_KEYS

    if request_keys not in ORG_REQUEST_KEYS:
        ORG_REQUEST_KEYS.append(request_keys)

    from advocacy.tenancy.models import Membership, Organization, Team

    for signal in (post_save, post_delete):
        for model in apps.get_app_config("policies").get_models():
            signal.connect(_changed, sender=model, dispatch_uid=f"policies-gen-{model.__name__}-{signal}")
        # a member changing team changes which policies are theirs
        signal.connect(_changed, sender=Membership, dispatch_uid=f"policies-gen-membership-{signal}")
        # team names and the team list show in the acknowledgement report
        signal.connect(_changed, sender=Team, dispatch_uid=f"policies-gen-team-{signal}")
        signal.connect(_organization_changed, sender=Organization, dispatch_uid=f"policies-gen-org-{signal}")
    from django.contrib.auth import get_user_model

    post_save.connect(_person_changed, sender=get_user_model(), dispatch_uid="policies-gen-person")
