"""A reader that loads an old row just before a writer drops the key must not get it served later."""

import pytest

from advocacy.core.cache import drop, versioned_cached

pytestmark = pytest.mark.django_db


def test_a_late_store_after_a_drop_is_never_served():
    rows = {"value": "active"}
    key = "test:member:1"
    versioned_cached(key, 60, lambda: rows["value"])  # first read sets the version, stores nothing
    assert versioned_cached(key, 60, lambda: rows["value"]) == "active"  # now cached

    def racing_load():
        value = rows["value"]  # the reader saw the old row...
        rows["value"] = "deactivated"  # ...then the writer changed it and dropped the key
        drop(key)
        return value

    drop(key)
    assert versioned_cached(key, 60, racing_load) == "active"  # this request still saw the old row
    assert versioned_cached(key, 60, lambda: rows["value"]) == "deactivated"  # but nobody after it


def test_none_is_not_cached():
    key = "test:member:2"
    versioned_cached(key, 60, lambda: None)
    assert versioned_cached(key, 60, lambda: None) is None
    assert versioned_cached(key, 60, lambda: "member") == "member"


def test_values_round_trip_through_the_cache():
    """Integers are stored as digits (so incr works) and everything else pickled."""
    from django.core.cache import cache

    values = {"int": 42, "negative": -7, "zero": 0, "text": "42", "list": [1, "a", None], "dict": {"k": (1, 2)}}
    values["bool"] = True
    cache.set_many({f"t:{k}": v for k, v in values.items()})
    assert cache.get_many([f"t:{k}" for k in values]) == {f"t:{k}": v for k, v in values.items()}
    assert cache.incr("t:int") == 43 and cache.get("t:int") == 43
