"""Django's Redis cache backend, with one redis client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` object on every cache call; with redis-py 5+
that constructor alone costs more than the round trip (it rebuilds its response-callback table).
The client object is thread-safe and holds no connection of its own, so one per pool is enough.
Replies are parsed by hiredis (C) when it is installed, as it is from pyproject.toml.
"""

import pickle

from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer


class PickleFirstSerializer(RedisSerializer):
    """Django's serializer (integers stored as digits, everything else pickled), reading a pickle without
    first trying int() on it and catching the ValueError: a pickle of protocol 2 or later starts with
    the PROTO opcode, which no integer does. A third of the cost of reading a value."""

    def loads(self, data):
        if data[:1] == b"\x80":
            return pickle.loads(data)  # noqa: S301 - our own cache, written by dumps() (as Django reads it)
        return int(data)


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("serializer", PickleFirstSerializer)
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def validate_key(self, key):
        """Django checks every key character by character for memcached's limits and only warns; Redis
        has no such limits, and this check was a tenth of the cache's cost on every page."""
