"""advocacy.core.humanize.natural_time says what Django's naturaltime says, to the word."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.humanize.templatetags import humanize as django_humanize

from advocacy.core.humanize import natural_time


@pytest.fixture
def frozen(monkeypatch):
    """Django's naturaltime reads the clock itself: give it the moment the comparison uses."""

    def freeze(moment):
        class Frozen(datetime):
            @classmethod
            def now(cls, tz=None):
                return moment if tz is not None else moment.replace(tzinfo=None)

        monkeypatch.setattr(django_humanize, "datetime", Frozen)

    return freeze


def test_matches_django_over_years_of_past_and_future_times(frozen):
    rng = random.Random(20261124)
    nows = [datetime(2026, 11, 24, 20, 15, 7, tzinfo=UTC), datetime(2024, 2, 29, 0, 0, 30, tzinfo=UTC)]
    nows += [datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2026, 3, 31, 12, 0, tzinfo=UTC)]
    spans = [0, 1, 59, 60, 61, 3599, 3600, 3601, 86399, 86400, 86401, 7 * 86400, 30 * 86400, 365 * 86400]
    for now in nows:
        frozen(now)
        offsets = spans + [rng.randint(0, 3 * 365 * 86400) for _ in range(400)]
        offsets += [rng.randint(0, 3 * 86400) for _ in range(200)]
        for seconds in offsets:
            for sign in (-1, 1):
                value = now + sign * timedelta(seconds=seconds, microseconds=rng.randint(0, 999_999))
                assert natural_time(value, now) == django_humanize.naturaltime(value), (now, value)


def test_words():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert natural_time(now, now) == "now"
    assert natural_time(now - timedelta(hours=1), now) == "an hour ago"
    assert natural_time(now - timedelta(days=15), now) == "2\xa0weeks, 1\xa0day ago"
    assert natural_time(now + timedelta(minutes=5), now) == "5\xa0minutes from now"
