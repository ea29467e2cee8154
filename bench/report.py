"""The benchmark's verdicts and its printed tables (bench/run.py measures, this module judges and prints).

`verdicts(runs, targets)` turns the measured runs into checks, one rule per function: a page that
answered the wrong status, lost or double-counted clicks, or failed requests fails; a tracked link that
kept every click passes; at the large size a target reaches its throughput ratio to the baseline; its
query count is the same at the sizes it names. `print_table` prints the runs against the
same-middleware baseline and against bare Django, then the checks.
"""

from __future__ import annotations

from bench.targets import BASELINE, Target

# The rows of a run besides the targets: the baseline measured again after the pages, and bare Django
# (bench/bare/) before and after them.
BASELINE_END = f"{BASELINE.name} (end)"
BARE, BARE_END = "bare Django", "bare Django (end)"


def _failure(name: str, run: dict, result: dict) -> dict | None:
    """A page that answered another status than expected, lost or double-counted clicks, or had failed
    requests (the first of these that applies)."""
    if result.get("status") != result.get("expect_status"):
        return {
            "target": name,
            "check": f"status at {run['size']}",
            "ok": False,
            "detail": f"{result.get('status')} != {result.get('expect_status')}",
        }
    if "clicks" in result and (result["clicks"]["lost"] or result["clicks"]["extra"]):
        clicks = result["clicks"]
        return {
            "target": name,
            "check": f"clicks at {run['size']}",
            "ok": False,
            "detail": f"lost {clicks['lost']}, extra {clicks['extra']} of {clicks['countable']} countable",
        }
    if result.get("errors"):
        return {
            "target": name,
            "check": f"errors at {run['size']}",
            "ok": False,
            "detail": f"{result['errors']} failed requests {result['error_detail']}",
        }
    return None


def _failures(runs: list[dict]) -> list[dict]:
    checks = []
    for run in runs:
        for name, result in run["targets"].items():
            failure = _failure(name, run, result)
            if failure:
                checks.append(failure)
    return checks


def _bare_errors(runs: list[dict]) -> list[dict]:
    """Failed requests during the comparison with bare Django."""
    checks = []
    for run in runs:
        bare = run.get("bare") or {"targets": {}}
        for name, result in bare["targets"].items():
            if result.get("errors"):
                checks.append(
                    {
                        "target": name,
                        "check": f"errors at {run['size']}, {bare['connections']} connections",
                        "ok": False,
                        "detail": f"{result['errors']} failed requests {result['error_detail']}",
                    }
                )
    return checks


def _clicks_kept(runs: list[dict]) -> list[dict]:
    """A tracked link's click-loss check that lost and double-counted nothing."""
    checks = []
    for run in runs:
        for name, result in run["targets"].items():
            clicks = result.get("clicks")
            if clicks and not (clicks["lost"] or clicks["extra"]):
                checks.append(
                    {
                        "target": name,
                        "check": f"lost clicks at {run['size']}",
                        "ok": True,
                        "detail": f"lost clicks: 0; {clicks['stored']} stored of {clicks['countable']} countable, "
                        f"{clicks['sent']} requests",
                    }
                )
    return checks


def _throughput(target: Target, large: dict | None) -> list[dict]:
    """At the large size, the target's throughput over the baseline's reaches its `min_ratio`."""
    if target.min_ratio is None or large is None:
        return []
    ratio = large["targets"].get(target.name, {}).get("ratio")
    return [
        {
            "target": target.name,
            "check": f"throughput >= {target.min_ratio:.0%} of baseline at {large['employees']:,} employees",
            "ok": ratio is not None and ratio >= target.min_ratio,
            "detail": "not measured" if ratio is None else f"{ratio:.1%}",
        }
    ]


def _same_queries(target: Target, by_size: dict[str, dict]) -> list[dict]:
    """The target's SQL query count is the same at every size of `same_queries_at` that was run."""
    sizes = [size for size in target.same_queries_at if size in by_size]
    if len(sizes) <= 1:
        return []
    counts = {size: by_size[size]["targets"].get(target.name, {}).get("queries") for size in sizes}
    return [
        {
            "target": target.name,
            "check": "same query count at " + " and ".join(f"{by_size[s]['employees']:,}" for s in sizes),
            "ok": None not in counts.values() and len(set(counts.values())) == 1,
            "detail": ", ".join(f"{counts[s]} at {s}" for s in sizes),
        }
    ]


def verdicts(runs: list[dict], targets: list[Target]) -> list[dict]:
    by_size = {run["size"]: run for run in runs}
    checks = [*_failures(runs), *_bare_errors(runs), *_clicks_kept(runs)]
    for target in targets:
        checks += _throughput(target, by_size.get("large"))
        checks += _same_queries(target, by_size)
    return checks


def print_table(runs: list[dict], checks: list[dict]) -> None:
    width = max([16, *(len(name) for run in runs for name in run["targets"])])
    header = f"{'size':<6} {'employees':>9}  {'target':<{width}} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    header += f" {'queries':>7} {'ratio':>6}  path"
    print()
    print(header)
    print("-" * len(header))
    for run in runs:
        for name, r in run["targets"].items():
            if "rps" in r:
                figures = f"{r['rps']:>8.1f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f}"
            else:
                figures = f"{'-':>8} {'-':>7} {'-':>7} {'-':>7}"
            is_baseline = name in (BASELINE.name, BASELINE_END)
            ratio = f"{r['ratio']:>6.1%}" if "ratio" in r and not is_baseline else f"{'':>6}"
            print(
                f"{run['size']:<6} {run['employees']:>9,}  {name:<{width}} {figures} {r['queries']:>7} {ratio}  "
                f"{r['path']}"
            )
    print()
    for run in runs:
        if run.get("baseline_rps"):
            print(
                f"{run['size']}: ratios are to the baseline's mean, {run['baseline_rps']:.1f} req/s (its runs before "
                f"and after the pages differ by {run['baseline_spread']:.0%}; a large difference means a busy machine)"
            )
    print_bare_table(runs, width)
    print()
    for check in checks:
        print(f"{'PASS' if check['ok'] else 'FAIL'}  {check['target']}: {check['check']} ({check['detail']})")
    print()


def print_bare_table(runs: list[dict], width: int) -> None:
    """Each page and the same-middleware baseline as a fraction of bare Django, under the same load."""
    bares = [(run, run["bare"]) for run in runs if run.get("bare")]
    if not bares:
        return
    width = max(width, len(BARE_END))
    header = f"{'size':<6} {'employees':>9}  {'target':<{width}} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    header += f" {'× bare':>7}  path"
    print()
    print(f"Against bare Django (no middleware, no app), {bares[0][1]['connections']} connections:")
    print(header)
    print("-" * len(header))
    for run, bare in bares:
        for name, r in bare["targets"].items():
            ratio = f"{r['ratio']:>6.2f}×" if r.get("ratio") is not None and name not in (BARE, BARE_END) else " " * 7
            print(
                f"{run['size']:<6} {run['employees']:>9,}  {name:<{width}} {r['rps']:>8.1f} {r['p50_ms']:>7.1f} "
                f"{r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f} {ratio}  {r['path']}"
            )
    print()
    for run, bare in bares:
        if bare.get("bare_rps"):
            middleware = bare["targets"].get(BASELINE.name, {}).get("ratio")
            cost = f"; the same-middleware baseline is at {middleware:.2f}× of it" if middleware else ""
            print(
                f"{run['size']}: × bare is to bare Django's mean, {bare['bare_rps']:.1f} req/s (its runs before and "
                f"after differ by {bare['bare_spread']:.0%}){cost}"
            )
