"""A member's connected accounts: connecting (Mastodon with OAuth on any instance, Bluesky with a handle and a
verification code), disconnecting (everything pulled from the account goes with it), and the reads of the
Connected accounts page.

Tokens are encrypted (advocacy.core.secrets) the moment they arrive and decrypted only by the pulls; nothing
here returns one. Network calls happen outside database transactions; each write is atomic and audited."""

from __future__ import annotations

import datetime
import logging
import secrets as random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core import secrets
from advocacy.tenancy.jobs import enqueue
from monitoring.models import (
    ConnectedAccount,
    EngagementSnapshot,
    MastodonApp,
    MonitoringSettings,
    Network,
    Post,
    PullRun,
    RuleMatch,
)
from monitoring.networks import bluesky, mastodon, x
from monitoring.networks.base import NetworkError
from monitoring.selectors import member_posts

log = logging.getLogger("monitoring.accounts")
PULL_TASK = "monitoring.tasks.pull_account"
EXPIRY_WARNING = datetime.timedelta(days=7)
CODE_PREFIX = "advocacy-"


def _error(message: str, field: str = "__all__") -> ValidationError:
    return ValidationError({field: [message]})


def get_account_for_member(organization, user, account_id) -> ConnectedAccount:
    """The member's own account (404 for someone else's, another organization's or a missing one)."""
    try:
        return ConnectedAccount.objects.get(organization=organization, user=user, pk=int(account_id))
    except (ConnectedAccount.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("No such account") from exc


# --- Mastodon -------------------------------------------------------------------------------------------


def mastodon_app_for(base_url: str, redirect_uri: str) -> MastodonApp:
    """Our registration on the instance, made the first time anyone connects there (a reference table)."""
    app = MastodonApp.objects.filter(base_url=base_url).first()
    if app is not None:
        return app
    client_id, client_secret = mastodon.register_app(base_url, redirect_uri)
    try:
        with transaction.atomic():
            return MastodonApp.objects.create(
                base_url=base_url,
                client_id=client_id,
                client_secret_encrypted=secrets.encrypt(client_secret),
                scopes=" ".join(mastodon.SCOPES),
            )
    except IntegrityError:  # registered at the same moment by someone else: theirs is as good
        return MastodonApp.objects.get(base_url=base_url)


def mastodon_connect_start(*, organization, user, instance: str, redirect_uri: str) -> tuple[str, str, str]:
    """(the instance's sign-in address to send the member to, the instance, the OAuth state to keep in the
    session). ValidationError with the reason in words."""
    try:
        base_url = mastodon.normalize_instance(instance)
        app = mastodon_app_for(base_url, redirect_uri)
        state = random.token_urlsafe(24)
        url = mastodon.authorize_url(base_url, app.client_id, redirect_uri, state)
    except NetworkError as exc:
        raise _error(_("We could not reach that Mastodon instance: %(reason)s") % {"reason": exc}, "instance") from exc
    return url, base_url, state


def mastodon_connect_finish(*, organization, user, instance: str, code: str, redirect_uri: str) -> ConnectedAccount:
    """Exchange the code the instance sent back for a token, read the account, keep it (encrypted)."""
    app = MastodonApp.objects.filter(base_url=instance).first()
    if app is None or not code:
        raise _error(_("The sign-in did not complete. Please try again."))
    try:
        token = mastodon.exchange_code(
            instance, app.client_id, secrets.decrypt(app.client_secret_encrypted), code, redirect_uri
        )
        info = mastodon.MastodonAdapter(instance, token).verify()
    except NetworkError as exc:
        raise _error(_("%(instance)s did not let us in: %(reason)s") % {"instance": instance, "reason": exc}) from exc
    return _keep_account(
        organization=organization,
        user=user,
        network=Network.MASTODON,
        external_id=info.external_id,
        fields={
            "instance_url": instance,
            "handle": info.handle,
            "display_name": info.display_name,
            "followers_count": info.followers_count,
            "access_token_encrypted": secrets.encrypt(token),
            "state": ConnectedAccount.State.CONNECTED,
            "verification_code": "",
        },
    )


# --- Bluesky --------------------------------------------------------------------------------------------


def bluesky_connect_start(*, organization, user, handle: str) -> ConnectedAccount:
    """Resolve the handle to a DID and keep the account waiting for its verification code."""
    try:
        handle = bluesky.normalize_handle(handle)
        client = bluesky.BlueskyAdapter()
        did = client.resolve_handle(handle)
        profile = client.profile(did)
    except NetworkError as exc:
        raise _error(_("We could not find that Bluesky account: %(reason)s") % {"reason": exc}, "handle") from exc
    existing = ConnectedAccount.objects.filter(organization=organization, network=Network.BLUESKY, external_id=did)
    current = existing.first()
    code = (
        current.verification_code
        if current and current.user_id == user.pk and current.verification_code
        else CODE_PREFIX + random.token_hex(4)
    )
    return _keep_account(
        organization=organization,
        user=user,
        network=Network.BLUESKY,
        external_id=did,
        fields={
            "instance_url": bluesky.appview_url(),
            "handle": profile.handle,
            "display_name": profile.display_name or profile.handle,
            "followers_count": profile.followers_count,
            **(
                {}
                if current and current.state == ConnectedAccount.State.CONNECTED and current.user_id == user.pk
                else {"state": ConnectedAccount.State.PENDING_VERIFICATION, "verification_code": code}
            ),
        },
        audit=False,
    )


def x_token(organization) -> str:
    """The organization's X Bearer Token ("" when an admin has not entered credentials: X is off)."""
    stored = (
        MonitoringSettings.objects.filter(organization=organization)
        .values_list("x_credentials_encrypted", flat=True)
        .first()
    )
    return secrets.decrypt(stored or "")


def x_connect_start(*, organization, user, username: str) -> ConnectedAccount:
    """Look the username up with the organization's credentials and keep the account waiting for its code."""
    try:
        client = x.XAdapter(x_token(organization))
        profile = client.profile(x.normalize_username(username))
    except NetworkError as exc:
        raise _error(_("We could not find that X account: %(reason)s") % {"reason": exc}, "username") from exc
    current = ConnectedAccount.objects.filter(
        organization=organization, network=Network.X, external_id=profile.id
    ).first()
    mine = current is not None and current.user_id == user.pk
    keep_code = mine and current.verification_code
    return _keep_account(
        organization=organization,
        user=user,
        network=Network.X,
        external_id=profile.id,
        fields={
            "instance_url": x.api_url(),
            "handle": f"@{profile.username}",
            "display_name": profile.name or profile.username,
            "followers_count": profile.followers_count,
            **(
                {}
                if mine and current.state == ConnectedAccount.State.CONNECTED
                else {
                    "state": ConnectedAccount.State.PENDING_VERIFICATION,
                    "verification_code": current.verification_code if keep_code else CODE_PREFIX + random.token_hex(4),
                }
            ),
        },
        audit=False,
    )


def _code_found(organization, account: ConnectedAccount) -> bool:
    if account.network == Network.BLUESKY:
        return bluesky.BlueskyAdapter().verification_found(account.external_id, account.verification_code)
    client = x.XAdapter(x_token(organization))
    return client.verification_found(account.external_id, account.handle.lstrip("@"), account.verification_code)


def account_verify(*, organization, user, account: ConnectedAccount) -> ConnectedAccount:
    """Connected once the code is in the account's profile (description, bio) or one of its latest posts."""
    if account.state != ConnectedAccount.State.PENDING_VERIFICATION or not account.verification_code:
        return account
    try:
        found = _code_found(organization, account)
    except NetworkError as exc:
        raise _error(_("We could not read your profile: %(reason)s") % {"reason": exc}) from exc
    if not found:
        raise _error(
            _("We did not find %(code)s in your profile or your latest posts yet.")
            % {"code": account.verification_code}
        )
    with transaction.atomic():
        account = ConnectedAccount.objects.select_for_update().get(organization=organization, pk=account.pk)
        account.state = ConnectedAccount.State.CONNECTED
        account.verification_code = ""
        account.next_pull_at = timezone.now()
        account.save(update_fields=["state", "verification_code", "next_pull_at"])
        audit_record(
            organization=organization,
            actor=user,
            action="monitoring.account_connected",
            target=account,
            data={"network": account.network, "handle": account.handle},
        )
        enqueue(PULL_TASK, organization, account.pk)
    return account


bluesky_verify = account_verify  # the name the first version used


# --- both -----------------------------------------------------------------------------------------------


def _keep_account(*, organization, user, network, external_id, fields: dict, audit: bool = True) -> ConnectedAccount:
    """Create or update the member's account (one per network account in an organization: an account another
    member connected stays theirs)."""
    with transaction.atomic():
        account = (
            ConnectedAccount.objects.select_for_update()
            .filter(organization=organization, network=network, external_id=external_id)
            .first()
        )
        if account is not None and account.user_id != user.pk:
            raise _error(_("Another member of this organization has already connected this account."))
        if account is None:
            account = ConnectedAccount(organization=organization, user=user, network=network, external_id=external_id)
        for name, value in fields.items():
            setattr(account, name, value)
        account.last_error, account.last_error_at = "", None
        connected = account.state == ConnectedAccount.State.CONNECTED
        if connected:
            account.next_pull_at = timezone.now()
        account.save()
        if audit:
            audit_record(
                organization=organization,
                actor=user,
                action="monitoring.account_connected",
                target=account,
                data={"network": network, "handle": account.handle},
            )
        if connected:
            enqueue(PULL_TASK, organization, account.pk)
    return account


@transaction.atomic
def account_disconnect(*, organization, actor, account: ConnectedAccount) -> int:
    """Forget the account and everything pulled from it (posts, their snapshots and rule matches, its runs).
    Returns how many posts were deleted. Audited (without the token, which is gone with the row)."""
    posts = Post.objects.filter(organization=organization, account_id=account.pk)
    post_ids = list(posts.values_list("pk", flat=True))
    RuleMatch.objects.filter(organization=organization, post_id__in=post_ids).delete()
    EngagementSnapshot.objects.filter(organization=organization, post_id__in=post_ids).delete()
    count, _detail = posts.delete()  # the collector also removes what other apps keep about these posts
    PullRun.objects.filter(organization=organization, account_id=account.pk).delete()
    audit_record(
        organization=organization,
        actor=actor,
        action="monitoring.account_disconnected",
        target=account,
        data={"network": account.network, "handle": account.handle, "posts_deleted": len(post_ids)},
    )
    ConnectedAccount.objects.filter(organization=organization, pk=account.pk).delete()
    if account.network == Network.MASTODON and account.access_token_encrypted:
        token = account.access_token_encrypted  # still encrypted: decrypted only when it is sent back
        transaction.on_commit(lambda: _revoke_quietly(account.instance_url, token))
    return len(post_ids)


def _revoke_quietly(instance: str, token_encrypted: str) -> None:
    """Best effort, after the commit: the instance forgets our token (when it cannot be reached, the token is
    gone from here anyway and the member can revoke the app in their instance's settings)."""
    app = MastodonApp.objects.filter(base_url=instance).first()
    if app is None:
        return
    try:
        mastodon.revoke_token(
            instance, app.client_id, secrets.decrypt(app.client_secret_encrypted), secrets.decrypt(token_encrypted)
        )
    except (NetworkError, secrets.SecretUnreadable):
        log.info("monitoring: could not revoke a disconnected account's token at %s", instance)


# --- the page's reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountState:
    """What the page says about an account's state, in words."""

    key: str  # connected, expiring, expired, revoked, failing, pending
    label: str
    detail: str
    tone: str  # success, warning, danger, info


def account_state(account: ConnectedAccount, now: datetime.datetime | None = None) -> AccountState:
    now = now or timezone.now()
    state = account.state
    if state == ConnectedAccount.State.PENDING_VERIFICATION:
        return AccountState("pending", _("Waiting for verification"), "", "info")
    if state in (ConnectedAccount.State.EXPIRED, ConnectedAccount.State.REVOKED):
        label = _("Expired") if state == ConnectedAccount.State.EXPIRED else _("Revoked")
        return AccountState(state, label, _("Connect it again to resume the pulls."), "danger")
    if state == ConnectedAccount.State.FAILING:
        return AccountState("failing", _("Failing"), account.last_error, "warning")
    if account.token_expires_at and account.token_expires_at - now <= EXPIRY_WARNING:
        return AccountState("expiring", _("Expires soon"), "", "warning")
    return AccountState("connected", _("Connected"), "", "success")


def member_accounts(*, organization, user) -> list[tuple[ConnectedAccount, AccountState]]:
    rows = ConnectedAccount.objects.filter(organization=organization, user=user).order_by("network", "handle")
    now = timezone.now()
    return [(row, account_state(row, now)) for row in rows]


def member_recent_posts(*, organization, user, limit: int = 20) -> list[Post]:
    """The member's own latest pulled posts with their engagement (deleted ones left out)."""
    return list(member_posts(organization=organization, user=user)[:limit])
