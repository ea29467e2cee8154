"""Scheduled pulls: beat -> one task per organization (`accounts_claim_due`) -> one task per account
(`account_pull`), and the organization's brand mentions (`mentions_pull`).

* **Incremental.** Mastodon: the pages just newer than the account's cursor (a status id), oldest first, then
  the latest page for counts, edits and deletions. Bluesky: the author feed newest first until what the last
  pull saw (the cursor is the newest post's time), which also refreshes the counts of recent posts.
* **Nothing lost, nothing twice.** Every page is stored through the intake (upserts on network + external id,
  one snapshot per post per run) in its own transaction, and the cursor moves in the same transaction as the
  page it covers: a worker killed midway resumes from the last stored page, and a replayed page changes nothing.
* **Faults.** 429: the account's next pull is the time the network names (returned, the task schedules it;
  the claim also honours it), no worker waits. 401/403: the account is expired and its member emailed once.
  5xx/timeouts: a transient failure the task retries with backoff, failing after the last try. Other 4xx: the
  account is failing, with the reason in words, and is tried again only a day later.
* **Polite.** At most HOST_SLOTS pulls talk to one host at a time, across every worker: slots are PostgreSQL
  session advisory locks (released when the pull ends, or with the connection of a killed worker); a pull that
  finds no free slot is put back a minute. One pull per account at a time the same way."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from advocacy.core import mail, secrets
from advocacy.tenancy.context import organization_scope
from monitoring.models import ConnectedAccount, MonitoringSettings, Network, Post, PullRun
from monitoring.networks import bluesky, mastodon, x
from monitoring.networks.base import (
    AuthorizationLost,
    NetworkError,
    PermanentError,
    PulledPost,
    RateLimited,
    TransientError,
)

from .intake import mentions_ingest, posts_ingest

PULL_INTERVAL = datetime.timedelta(minutes=15)
MENTIONS_INTERVAL = datetime.timedelta(minutes=30)
FAILING_RETRY = datetime.timedelta(days=1)
BUSY_RETRY = datetime.timedelta(minutes=1)
HOST_SLOTS = 2
MAX_PAGES = 10  # new posts read per pull and account (the rest next time: the cursor is where it stopped)
DELETION_CHECKS = 20
TRANSIENT_TRIES = 3
PULLABLE = (ConnectedAccount.State.CONNECTED, ConnectedAccount.State.FAILING)


@dataclass(frozen=True)
class PullOutcome:
    status: str  # succeeded, rate_limited, expired, failed, transient, busy, skipped
    retry_at: datetime.datetime | None = None
    posts: int = 0


# --- locks ----------------------------------------------------------------------------------------------


def lock_key(*parts) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _try_lock(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def _unlock(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def held(*keys_to_try: int) -> Iterator[bool]:
    """Takes the first free lock of `keys_to_try` for the block (True), or none (False)."""
    taken = next((key for key in keys_to_try if _try_lock(key)), None)
    try:
        yield taken is not None
    finally:
        if taken is not None:
            _unlock(taken)


def host_slots(host: str) -> list[int]:
    return [lock_key("monitoring.pull-host", host.lower(), slot) for slot in range(HOST_SLOTS)]


# --- scheduling -----------------------------------------------------------------------------------------


def accounts_claim_due(*, organization, now: datetime.datetime | None = None) -> list[int]:
    """The accounts whose pull is due, each claimed for one interval (so the next tick does not send it again;
    a pull whose task is lost runs at the next interval)."""
    now = now or timezone.now()
    due = ConnectedAccount.objects.filter(organization=organization, state__in=PULLABLE).filter(
        Q(next_pull_at__isnull=True) | Q(next_pull_at__lte=now)
    )
    ids = list(due.order_by("next_pull_at", "pk").values_list("pk", flat=True)[:500])
    if ids:
        ConnectedAccount.objects.filter(organization=organization, pk__in=ids).update(next_pull_at=now + PULL_INTERVAL)
    return ids


def mentions_due(*, organization, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    last = (
        PullRun.objects.filter(organization=organization, kind=PullRun.Kind.MENTIONS)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return last is None or now - last >= MENTIONS_INTERVAL - datetime.timedelta(seconds=30)


# --- one account ----------------------------------------------------------------------------------------


def _host(account: ConnectedAccount) -> str:
    return urlsplit(account.instance_url or bluesky.appview_url()).netloc


def account_pull(*, organization, account_id: int, attempt: int = 0) -> PullOutcome:
    """Pull one account (the task runs this outside any transaction; each step commits on its own)."""
    with organization_scope(organization):
        account = ConnectedAccount.objects.filter(organization=organization, pk=account_id).first()
        if account is None or account.state not in PULLABLE:
            return PullOutcome("skipped")
    with held(lock_key("monitoring.pull-account", organization.pk, account_id)) as mine:
        if not mine:
            return PullOutcome("busy")
        with held(*host_slots(_host(account))) as slot:
            if not slot:
                return _put_back(organization, account, timezone.now() + BUSY_RETRY, "busy")
            return _run(organization, account, attempt)


def _put_back(organization, account, when, status) -> PullOutcome:
    with organization_scope(organization):
        ConnectedAccount.objects.filter(organization=organization, pk=account.pk).update(next_pull_at=when)
    return PullOutcome(status, retry_at=when)


def _run(organization, account: ConnectedAccount, attempt: int) -> PullOutcome:
    with organization_scope(organization):
        run = PullRun.objects.create(organization=organization, account=account, kind=PullRun.Kind.POSTS)
    try:
        if account.network == Network.MASTODON:
            seen = _pull_mastodon(organization, account, run)
        elif account.network == Network.BLUESKY:
            seen = _pull_bluesky(organization, account, run)
        elif account.network == Network.X:
            seen = _pull_x(organization, account, run)
        else:
            raise PermanentError("This network is not pulled yet.")
    except RateLimited as exc:
        retry_at = exc.retry_at or timezone.now() + BUSY_RETRY
        _finish(organization, account, run, PullRun.Status.RATE_LIMITED, str(exc), next_pull_at=retry_at)
        return PullOutcome("rate_limited", retry_at=retry_at)
    except AuthorizationLost as exc:
        _lost(organization, account, run, exc)
        return PullOutcome("expired")
    except TransientError as exc:
        last_try = attempt + 1 >= TRANSIENT_TRIES
        state = ConnectedAccount.State.FAILING if last_try else None
        _finish(organization, account, run, PullRun.Status.FAILED, str(exc), state=state, error=str(exc))
        return PullOutcome("failed" if last_try else "transient")
    except PermanentError as exc:
        _finish(
            organization,
            account,
            run,
            PullRun.Status.FAILED,
            str(exc),
            state=ConnectedAccount.State.FAILING,
            error=str(exc),
            next_pull_at=timezone.now() + FAILING_RETRY,
        )
        return PullOutcome("failed")
    _finish(organization, account, run, PullRun.Status.SUCCEEDED, "", state=ConnectedAccount.State.CONNECTED, seen=seen)
    return PullOutcome("succeeded", posts=seen)


def _finish(organization, account, run, status, message, *, state=None, error=None, next_pull_at=None, seen=0):
    now = timezone.now()
    with organization_scope(organization):
        PullRun.objects.filter(organization=organization, pk=run.pk).update(
            status=status, finished_at=now, error=message[:500], posts_seen=seen
        )
        changes = {}
        if state is not None:
            changes["state"] = state
        if error is not None:
            changes.update(last_error=error[:500], last_error_at=now)
        elif status == PullRun.Status.SUCCEEDED:
            changes.update(last_error="", last_error_at=None, last_pulled_at=now)
        if next_pull_at is not None:
            changes["next_pull_at"] = next_pull_at
        if changes:
            ConnectedAccount.objects.filter(organization=organization, pk=account.pk).update(**changes)


def _lost(organization, account, run, exc: AuthorizationLost) -> None:
    """Expired: marked, and the member told once (in the same transaction as the mark)."""
    now = timezone.now()
    with organization_scope(organization):
        PullRun.objects.filter(organization=organization, pk=run.pk).update(
            status=PullRun.Status.FAILED, finished_at=now, error=str(exc)[:500]
        )
        marked = ConnectedAccount.objects.filter(organization=organization, pk=account.pk).exclude(
            state=ConnectedAccount.State.EXPIRED
        )
        if marked.update(state=ConnectedAccount.State.EXPIRED, last_error=str(exc)[:500], last_error_at=now):
            from .notices import expired_mail

            mail.queue(organization, [expired_mail(organization, account)])


def _store(organization, account, run, posts: list[PulledPost], cursor: str | None = None) -> int:
    """One page, and the cursor it moves to, in one transaction."""
    with organization_scope(organization):
        if posts:
            posts_ingest(organization=organization, account=account, run=run, pulled=posts)
        if cursor is not None and cursor != account.cursor:
            ConnectedAccount.objects.filter(organization=organization, pk=account.pk).update(cursor=cursor)
            account.cursor = cursor
    return len(posts)


def _gone_posts(organization, account, window: list[PulledPost], oldest: datetime.datetime) -> list[Post]:
    """Posts we stored in the window's time span that the window no longer has."""
    present = {p.external_id for p in window}
    with organization_scope(organization):
        stored = Post.objects.filter(
            organization=organization, account_id=account.pk, deleted_at__isnull=True, posted_at__gte=oldest
        ).only("pk", "external_id", "url", "posted_at", "network")
        return [p for p in stored if p.external_id not in present][:DELETION_CHECKS]


def _deleted(post: Post) -> PulledPost:
    return PulledPost(
        network=post.network,
        external_id=post.external_id,
        url=post.url,
        text="",
        posted_at=post.posted_at,
        deleted=True,
    )


def _pull_mastodon(organization, account: ConnectedAccount, run) -> int:
    client = mastodon.MastodonAdapter(account.instance_url, secrets.decrypt(account.access_token_encrypted))
    # the token first (a revoked one is a 401 here, where public reads might still answer), and the profile's
    # name and followers while we are at it
    info = client.verify()
    changes = {"display_name": info.display_name[:255], "followers_count": info.followers_count}
    if info.external_id != account.external_id:  # the token's account is the truth (a demo row starts without it)
        changes["external_id"] = account.external_id = info.external_id
    with organization_scope(organization):
        ConnectedAccount.objects.filter(organization=organization, pk=account.pk).update(**changes)
    seen = 0
    pages = 0
    while account.cursor and pages < MAX_PAGES:
        page = client.statuses_after(account.external_id, account.cursor)
        seen += _store(organization, account, run, page.posts, page.cursor or None)
        pages += 1
        if not page.more:
            break
    recent = client.recent_statuses(account.external_id)
    newest = max((int(p.external_id) for p in recent.posts), default=0)
    first_cursor = str(newest) if not account.cursor and newest else None
    seen += _store(organization, account, run, recent.posts, first_cursor)
    if recent.posts:
        oldest = min(p.posted_at for p in recent.posts)
        gone = [
            p for p in _gone_posts(organization, account, recent.posts, oldest) if client.status_gone(p.external_id)
        ]
        _store(organization, account, run, [_deleted(p) for p in gone])
    return seen


def _pull_bluesky(organization, account: ConnectedAccount, run) -> int:
    client = bluesky.BlueskyAdapter()
    since = datetime.datetime.fromisoformat(account.cursor) if account.cursor else None
    window: list[PulledPost] = []
    cursor, seen = "", 0
    for _page in range(MAX_PAGES):
        page = client.author_feed(account.external_id, cursor=cursor)
        seen += _store(organization, account, run, page.posts)
        window += page.posts
        reached = since is None or any(p.posted_at <= since for p in page.posts)
        if not page.more or reached:
            break
        cursor = page.cursor
    if window:
        newest = max(p.posted_at for p in window)
        if since is None or newest > since:
            _store(organization, account, run, [], newest.isoformat())
        oldest = min(p.posted_at for p in window)
        candidates = _gone_posts(organization, account, window, oldest)
        if candidates:
            alive = client.existing([p.external_id for p in candidates])
            _store(organization, account, run, [_deleted(p) for p in candidates if p.external_id not in alive])
    return seen


def _pull_x(organization, account: ConnectedAccount, run) -> int:
    """Newest first down to what the last pull saw (the cursor is the newest post id), then deletions."""
    from .accounts import x_token

    with organization_scope(organization):
        client = x.XAdapter(x_token(organization))
    seen_id = int(account.cursor) if account.cursor.isdigit() else 0
    window: list[PulledPost] = []
    token, seen = "", 0
    for _page in range(MAX_PAGES):
        page = client.user_posts(account.external_id, token=token)
        seen += _store(organization, account, run, page.posts)
        window += page.posts
        if not page.more or not seen_id or any(int(p.external_id) <= seen_id for p in page.posts):
            break
        token = page.cursor
    if window:
        newest = max(int(p.external_id) for p in window)
        if newest > seen_id:
            _store(organization, account, run, [], str(newest))
        candidates = _gone_posts(organization, account, window, min(p.posted_at for p in window))
        if candidates:
            alive = client.existing([p.external_id for p in candidates])
            _store(organization, account, run, [_deleted(p) for p in candidates if p.external_id not in alive])
    return seen


# --- brand mentions -------------------------------------------------------------------------------------


def _mention_terms(organization) -> tuple[list[str], list[str]]:
    settings = MonitoringSettings.objects.filter(organization=organization).first()
    if settings is None:
        return [], []
    hashtags = [t.lstrip("#") for t in settings.hashtags if t.strip("# ")]
    terms = [t for t in settings.brand_terms if t.strip()]
    return terms, hashtags


def _mastodon_sources(organization) -> list[tuple[str, str]]:
    """(instance, a token there) for each instance the organization's members use."""
    rows = ConnectedAccount.objects.filter(
        organization=organization, network=Network.MASTODON, state=ConnectedAccount.State.CONNECTED
    ).order_by("instance_url", "pk")
    sources = {}
    for row in rows.only("instance_url", "access_token_encrypted"):
        sources.setdefault(row.instance_url, row.access_token_encrypted)
    return [(instance, secrets.decrypt(token)) for instance, token in sources.items()]


def mentions_pull(*, organization, since: datetime.datetime | None = None) -> PullOutcome:
    """Search the open networks for the organization's brand terms and designated hashtags: Bluesky's search,
    and the hashtag timelines of the Mastodon instances its members use. A host that fails is skipped (and
    named in the run); the others still count."""
    with organization_scope(organization):
        terms, hashtags = _mention_terms(organization)
        if not terms and not hashtags:
            return PullOutcome("skipped")
        last = (
            PullRun.objects.filter(
                organization=organization, kind=PullRun.Kind.MENTIONS, status=PullRun.Status.SUCCEEDED
            )
            .order_by("-started_at")
            .values_list("started_at", flat=True)
            .first()
        )
        run = PullRun.objects.create(organization=organization, kind=PullRun.Kind.MENTIONS, account=None)
        sources = _mastodon_sources(organization)
        from .accounts import x_token

        x_bearer = x_token(organization)
    since = since or (last - datetime.timedelta(hours=1) if last else timezone.now() - datetime.timedelta(days=2))
    errors, seen = [], 0
    queries = terms + [f"#{h}" for h in hashtags]
    searches = [(bluesky.appview_url(), lambda: _bluesky_mentions(queries, since))]
    if x_bearer:
        searches.append((x.api_url(), lambda: _x_mentions(x_bearer, queries)))
    searches += [(instance, _mastodon_mentions_of(instance, token, hashtags)) for instance, token in sources]
    retry_at = None
    for base_url, search in searches:
        host = urlsplit(base_url).netloc
        with held(*host_slots(host)) as slot:
            if not slot:
                errors.append(f"{host}: busy")
                continue
            try:
                found = search()
            except NetworkError as exc:
                errors.append(f"{host}: {exc}")
                if isinstance(exc, RateLimited):
                    retry_at = exc.retry_at
                continue
        with organization_scope(organization):
            seen += len(mentions_ingest(organization=organization, run=run, pulled=found))
    status = PullRun.Status.FAILED if errors and len(errors) == len(searches) else PullRun.Status.SUCCEEDED
    with organization_scope(organization):
        PullRun.objects.filter(organization=organization, pk=run.pk).update(
            status=status, finished_at=timezone.now(), posts_seen=seen, error="; ".join(errors)[:500]
        )
    return PullOutcome("succeeded" if status == PullRun.Status.SUCCEEDED else "failed", retry_at=retry_at, posts=seen)


def _bluesky_mentions(queries: list[str], since: datetime.datetime) -> list[PulledPost]:
    client = bluesky.BlueskyAdapter()
    found: list[PulledPost] = []
    for query in queries:
        cursor = ""
        for _page in range(3):
            page = client.search(query, since=since, cursor=cursor)
            found += page.posts
            if not page.more:
                break
            cursor = page.cursor
    return found


def _mastodon_mentions_of(instance: str, token: str, hashtags: list[str]):
    def search() -> list[PulledPost]:
        client = mastodon.MastodonAdapter(instance, token)
        return [post for tag in hashtags for post in client.hashtag_statuses(tag)]

    return search


def _x_mentions(bearer: str, queries: list[str]) -> list[PulledPost]:
    client = x.XAdapter(bearer)
    return [post for query in queries for post in client.search(query).posts]
