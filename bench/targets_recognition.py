"""Issue #13's bench target: the leaderboard page (this month, organization-wide, with the viewer's rank and
the people near them), read by an employee, with 10,000 members and 1,000,000 points ledger entries at the
large size (recognition.scale.generate_points --ledger-entries). The page reads the daily rollup through the
cache contract, never the ledger. Importing this module adds the target to bench.targets.TARGETS;
`recognition_scale_options(size, quick)` are the options run.py passes to generate_scale_data for that size.
generate_scale_data's log also gives the seconds a full rebuild of the rollups from the ledger took."""

from bench.targets import TARGETS, Target

LEDGER_ENTRIES = {"small": 10_000, "large": 1_000_000}

LEADERBOARD = Target(
    name="leaderboard",
    path="/o/{org}/recognition/?period=month",
    user="employee@{org}.example",
    min_ratio=0.20,
)

if LEADERBOARD not in TARGETS:
    TARGETS.append(LEADERBOARD)


def recognition_scale_options(size: str, quick: bool) -> list[str]:
    entries = LEDGER_ENTRIES[size] // (10 if quick else 1)
    return [f"--ledger-entries={entries}"]
