"""Tracked short links: `/l/<code>` resolution, click buffering in Redis, and the bulk flush.

The request path touches Redis once (one Lua script: look the code up in the link cache, drop a
repeat click from the same client within the window, append the click to the organization's stream).
Only on a cache miss does it read PostgreSQL, through `resolve_tracked_link(code)` (the one deliberate
cross-organization read; see migration 0002). Nothing is written to PostgreSQL on the request path.

The flush (a Celery task per organization) reads stream entries after the organization's watermark,
adds them to the daily rollups with upserts and moves the watermark in the same transaction, then
trims the stream. A flush that fails before its commit leaves the entries for the next run; one that
fails after its commit (or runs twice, or concurrently: the watermark row is locked) skips what the
watermark already covers. Each click is stored exactly once.

When Redis does not answer, the redirect still works and the click still counts: the code is resolved in
PostgreSQL (the routing table, as on a cache miss) and a countable click is appended to the organization's
spool (`ClickSpool`, with the same repeat-click window), with one outbox row per organization asking for a
flush (advocacy.core.outbox: published when the broker, the same Redis, is back). The flush merges the
spool first: it deletes the rows it adds in the same transaction as the upsert, so each spooled click is
stored exactly once. Which clicks are spooled:
- Redis refused or dropped the connection (down, restarting), or could not be connected to: the command
  did not run, the click is spooled.
- Redis took the command and did not answer in time (hung, SIGSTOP): a hung server runs what it received
  when it resumes, so that click is left to Redis (spooling it too would count it twice).
- After either, this process does not try Redis for a moment (advocacy.core.cache_backend: every click
  goes to the spool at once, none waits for a timeout).
While Redis answers, the request path is unchanged.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection

from advocacy.core import outbox
from advocacy.core.cache import stream_client
from advocacy.core.cache_backend import REDIS_ERRORS, unanswered
from advocacy.core.partitioning import RetainedTable, drop_expired_partitions, ensure_partitions
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization

from .models import ClickFlushState, Share

LINK_TTL = 7 * 24 * 3600
UNKNOWN_TTL = 60
DEDUPE_SECONDS = 30
FLUSH_BATCH = 5000
UNKNOWN = "-"
FLUSH_TASK = "content_library.tasks.flush_org_clicks"

# Names only link-preview fetchers use. Not the bare names of apps whose in-app browsers carry them too
# (Pinterest, Snapchat, Tumblr, Yandex): a person there must be redirected and counted; those apps'
# fetchers say "bot" or "preview", or (Pinterest's) "Pinterest/0.x".
CRAWLER_RE = re.compile(
    r"bot\b|crawler|spider|preview|facebookexternalhit|facebookcatalog|linkedinbot|twitterbot|slackbot|"
    r"slack-imgproxy|discordbot|whatsapp|telegrambot|mastodon|pleroma|misskey|akkoma|cardyb|bluesky|"
    r"embedly|skypeuripreview|vkshare|redditbot|pinterest/0\.|applebot|googlebot|bingbot|iframely|"
    r"outbrain|quora link preview|nuzzel|bitlybot|duckduckbot",
    re.IGNORECASE,
)

_RECORD = """
local value = redis.call('GET', KEYS[1])
if not value then return false end
if value == ARGV[6] then return value end
if ARGV[5] == '1' then
  if redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[4])) then
    local tab = string.find(value, '\\t', 1, true)
    local org = string.sub(value, 1, tab - 1)
    redis.call('XADD', ARGV[1] .. org, '*', 'c', ARGV[2], 't', ARGV[3])
    redis.call('SADD', KEYS[3], org)
  end
end
return value
"""

_CLEAR_DIRTY = """
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[1])
  return 1
end
return 0
"""

# The rollup is partitioned by retention class and month (advocacy.core.partitioning): each row carries its
# organization's retention, so an expired month leaves by DROP TABLE, never by DELETE.
UPSERT_CLICKS = (
    "INSERT INTO content_library_clickdaily "
    "(organization_id, share_id, day, clicks, user_id, content_id, campaign_id, network, keep_months) "
    "VALUES {values} "
    "ON CONFLICT (organization_id, share_id, day, keep_months) "
    "DO UPDATE SET clicks = content_library_clickdaily.clicks + EXCLUDED.clicks"
)
CLICK_ROLLUP = RetainedTable("content_library_clickdaily")

_scripts: dict = {}


def client():
    """The click buffer's Redis client (the cache contract's stream client) with this module's scripts."""
    current = stream_client()
    if _scripts.get("client") is not current:
        _scripts["record"] = current.register_script(_RECORD)
        _scripts["clear_dirty"] = current.register_script(_CLEAR_DIRTY)
        _scripts["client"] = current
    return current


def _prefix() -> str:
    # The cache's key prefix keeps environments (and tests) apart on one Redis.
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:cl:"


def link_key(code: str) -> str:
    return f"{_prefix()}link:{code}"


def stream_key(organization_id) -> str:
    return f"{_prefix()}clicks:{organization_id}"


def dirty_key() -> str:
    return f"{_prefix()}clicks:dirty"


def is_crawler(user_agent: str) -> bool:
    """A link-preview crawler (gets the Open Graph page, never counted)."""
    return bool(user_agent) and CRAWLER_RE.search(user_agent) is not None


def is_countable(user_agent: str) -> bool:
    """A click counts only from a client that says what it is: every browser sends a User-Agent. A request
    without one (a script, a health check, a privacy proxy stripping it) is still redirected, so a person
    behind such a proxy reaches the destination, but it is not counted: results never count what may be a
    machine."""
    return bool(user_agent) and CRAWLER_RE.search(user_agent) is None


def client_fingerprint(ip: str | None, user_agent: str) -> str:
    return hashlib.blake2b(f"{ip}|{user_agent}".encode(), digest_size=12).hexdigest()


# --- the link cache ----------------------------------------------------------------------------------


def cache_link(code: str, organization_id: int, destination: str) -> None:
    """Warm the link cache (nothing lost when Redis does not answer: the next click reads the database)."""
    try:
        client().set(link_key(code), f"{organization_id}\t{destination}", ex=LINK_TTL)
    except REDIS_ERRORS:
        pass


def forget_links(codes: list[str], batch: int = 1000) -> None:
    """Drop many cached links (the next click on each reads the database again). When Redis does not
    answer, the deletion waits in the outbox and runs once the broker is back."""
    try:
        for start in range(0, len(codes), batch):
            client().delete(*(link_key(code) for code in codes[start : start + batch]))
    except REDIS_ERRORS:
        outbox.send_on_commit("content_library.tasks.forget_tracked_links", [list(codes)])


def forget_link(code: str) -> None:
    forget_links([code])


def resolve_from_database(code: str) -> tuple[int, str] | None:
    """The one read that starts outside any organization: code -> (organization id, destination),
    through the SECURITY DEFINER function; nothing else about the link or its organization."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT organization_id, destination FROM resolve_tracked_link(%s)", [code])
        row = cursor.fetchone()
    return (int(row[0]), row[1]) if row else None


def record_click(code: str, *, fingerprint: str, countable: bool) -> tuple[int, str] | None:
    """Resolve `code` and, when `countable`, buffer one click (unless this client clicked within the
    window). Returns (organization id, destination) or None for an unknown code. Redis down or hung: see
    the module's docstring."""
    if not code or len(code) > 16:
        return None
    try:
        return _record_in_redis(code, fingerprint=fingerprint, countable=countable)
    except REDIS_ERRORS as exc:
        if unanswered(exc):
            return resolve_from_database(code)  # Redis runs the click when it resumes
        return _record_in_database(code, fingerprint=fingerprint, countable=countable)


def _record_in_redis(code: str, *, fingerprint: str, countable: bool) -> tuple[int, str] | None:
    client()
    args = [stream_key(""), code, int(time.time()), DEDUPE_SECONDS, "1" if countable else "0", UNKNOWN]
    keys = [link_key(code), f"{_prefix()}seen:{code}:{fingerprint}", dirty_key()]
    value = _scripts["record"](keys=keys, args=args)
    if value is None:
        resolved = resolve_from_database(code)
        if resolved is None:
            client().set(link_key(code), UNKNOWN, ex=UNKNOWN_TTL)
            return None
        cache_link(code, *resolved)
        value = _scripts["record"](keys=keys, args=args)
    if value is None or value == UNKNOWN:
        return None
    organization_id, destination = value.split("\t", 1)
    return int(organization_id), destination


SPOOL_CLICK = (
    "INSERT INTO content_library_clickspool (organization_id, code, fingerprint, clicked_at) "
    "SELECT %(org)s, %(code)s, %(fp)s, now() WHERE NOT EXISTS ("
    " SELECT 1 FROM content_library_clickspool WHERE organization_id = %(org)s AND code = %(code)s"
    " AND fingerprint = %(fp)s AND clicked_at > now() - make_interval(secs => %(window)s))"
)


def _record_in_database(code: str, *, fingerprint: str, countable: bool) -> tuple[int, str] | None:
    """Redis does not answer: the code from PostgreSQL, a countable click to the spool (unless this client
    clicked within the window), and one waiting flush per organization in the outbox."""
    resolved = resolve_from_database(code)
    if resolved is None or not countable:
        return resolved
    organization_id = resolved[0]
    with organization_scope(Organization(pk=organization_id)), connection.cursor() as cursor:
        params = {"org": organization_id, "code": code, "fp": fingerprint, "window": DEDUPE_SECONDS}
        cursor.execute(SPOOL_CLICK, params)
        if cursor.rowcount:
            outbox.keep(FLUSH_TASK, [organization_id], {}, dedupe_key=f"{FLUSH_TASK}:{organization_id}")
    return resolved


def resolve(code: str) -> tuple[int, str] | None:
    """(organization id, destination) for `code`, counting nothing (the preview image of a share)."""
    return record_click(code, fingerprint="", countable=False)


# --- the flush --------------------------------------------------------------------------------------


def _next_id(entry_id: str) -> str:
    ms, seq = entry_id.split("-")
    return f"{ms}-{int(seq) + 1}"


def _trim(stream: str, watermark: str) -> None:
    """Drop every entry up to and including the watermark (already stored)."""
    if watermark != "0-0":
        client().xtrim(stream, minid=_next_id(watermark), approximate=False)


def pending_organizations() -> list[int]:
    return sorted(int(v) for v in client().smembers(dirty_key()))


def _apply(organization, entries) -> int:
    """Add a batch of stream entries to the rollups (inside the caller's transaction)."""
    counts: Counter = Counter()
    for _entry_id, fields in entries:
        day = datetime.fromtimestamp(int(fields.get("t", 0)), tz=UTC).date()
        counts[(fields.get("c", ""), day)] += 1
    codes = {code for code, _ in counts}
    shares = {
        s.code: s
        for s in Share.objects.filter(organization=organization, code__in=codes).only(
            "pk", "code", "user_id", "content_id", "campaign_id", "network"
        )
    }
    rows, per_share, per_content, per_campaign = [], Counter(), Counter(), Counter()
    for (code, day), n in counts.items():
        share = shares.get(code)
        if share is None:  # the share was deleted since: nothing left to attribute the click to
            continue
        rows.append(
            (
                organization.pk,
                share.pk,
                day,
                n,
                share.user_id,
                share.content_id,
                share.campaign_id,
                share.network,
                organization.click_retention_months,
            )
        )
        per_share[share.pk] += n
        per_content[share.content_id] += n
        if share.campaign_id:
            per_campaign[share.campaign_id] += n
    if not rows:
        return 0
    with connection.cursor() as cursor:
        values = ", ".join(["(%s, %s, %s::date, %s, %s, %s, %s, %s, %s)"] * len(rows))
        upsert = UPSERT_CLICKS.format(values=values)  # only placeholders are interpolated
        cursor.execute(upsert, [v for row in rows for v in row])
        for table, counter in (
            ("content_library_share", per_share),
            ("content_library_contentitem", per_content),
            ("content_library_campaign", per_campaign),
        ):
            if not counter:
                continue
            values = ", ".join(["(%s::bigint, %s::bigint)"] * len(counter))
            cursor.execute(
                f"UPDATE {table} AS t SET click_count = t.click_count + v.n "  # noqa: S608 - fixed table names
                f"FROM (VALUES {values}) AS v(id, n) WHERE t.id = v.id AND t.organization_id = %s",
                [x for pair in counter.items() for x in pair] + [organization.pk],
            )
    return sum(per_share.values())


MERGE_SPOOL = (
    "DELETE FROM content_library_clickspool WHERE organization_id = %(org)s AND id IN ("
    " SELECT id FROM content_library_clickspool WHERE organization_id = %(org)s ORDER BY id LIMIT %(n)s"
    " FOR UPDATE SKIP LOCKED) RETURNING code, extract(epoch FROM clicked_at)::bigint"
)


def merge_spool(*, organization, batch_size: int = FLUSH_BATCH) -> int:
    """Store the clicks spooled while Redis was down; each batch is deleted in the transaction that adds it
    to the rollups (exactly once, also when run twice or concurrently)."""
    stored = 0
    while True:
        with organization_scope(organization), connection.cursor() as cursor:
            cursor.execute(MERGE_SPOOL, {"org": organization.pk, "n": batch_size})
            rows = cursor.fetchall()
            if not rows:
                return stored
            stored += _apply(organization, [(None, {"c": code, "t": ts}) for code, ts in rows])


def flush_clicks(*, organization, batch_size: int = FLUSH_BATCH) -> int:
    """Store the organization's buffered clicks (the spool's, then the stream's); returns how many were
    stored. Opens its own transactions, one per batch; safe to run again, concurrently, or after a failure."""
    stored = merge_spool(organization=organization, batch_size=batch_size)
    stream = stream_key(organization.pk)
    while True:
        with organization_scope(organization):
            ClickFlushState.objects.bulk_create([ClickFlushState(organization=organization)], ignore_conflicts=True)
            state = ClickFlushState.objects.select_for_update().get(organization=organization)
            entries = client().xrange(stream, min=f"({state.last_entry_id}", max="+", count=batch_size)
            if not entries:
                watermark = state.last_entry_id
                break
            n = _apply(organization, entries)
            state.last_entry_id = entries[-1][0]
            state.flushed_clicks += n
            state.save(update_fields=["last_entry_id", "flushed_clicks", "updated_at"])
            watermark = state.last_entry_id
        # committed: the watermark covers these entries, whatever happens next
        stored += n
        _trim(stream, watermark)
    _trim(stream, watermark)
    _scripts["clear_dirty"](keys=[stream, dirty_key()], args=[str(organization.pk)])
    return stored


# --- the rollup's partitions ------------------------------------------------------------------------


def maintain_partitions(*, today) -> dict:
    """Create the click rollup's months ahead and drop the expired ones (each a DROP TABLE)."""
    return {
        "created": ensure_partitions(connection, CLICK_ROLLUP, today=today),
        "dropped": drop_expired_partitions(connection, CLICK_ROLLUP, today=today),
    }
