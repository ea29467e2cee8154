"""Issue #14's bench target: the admins' analytics dashboard (the last 30 days, no filter), read from the daily
rollups. At the large size (10,000 members, 1,000,000 clicks, 200,000 shares, 1,000,000 engagement snapshots:
`analytics_scale_options`) it must reach 0.15 x the baseline with its cache warm and make the same number of
queries at both sizes. Importing this module adds the target to bench.targets.TARGETS."""

from bench.targets import TARGETS, Target

SNAPSHOTS = {"small": 10_000, "large": 1_000_000}

ANALYTICS_DASHBOARD = Target(
    name="analytics_dashboard",
    path="/o/{org}/analytics/",
    user="admin@{org}.example",
    min_ratio=0.15,
)

if ANALYTICS_DASHBOARD not in TARGETS:
    TARGETS.append(ANALYTICS_DASHBOARD)


def analytics_scale_options(size: str, quick: bool) -> list[str]:
    return [f"--snapshots={SNAPSHOTS[size] // (10 if quick else 1)}"]
