"""The Redis cache backend keeps one client per connection pool (Django's builds one per call)
and behaves as Django's does against the real Redis."""

import pytest
from django.core.cache import caches

from datajam.cache import RedisCache


@pytest.fixture
def redis_cache(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache-backend", "TIMEOUT": 60})


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("another key") is client


def test_it_stores_reads_and_deletes_like_djangos(redis_cache):
    redis_cache.set("page", {"html": "<p>é</p>", "n": 3})
    assert redis_cache.get("page") == {"html": "<p>é</p>", "n": 3}
    assert redis_cache.add("page", "other") is False
    redis_cache.set_many({"a": 1, "b": b"\x00bytes"})
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": b"\x00bytes"}
    assert redis_cache.incr("a") == 2
    redis_cache.delete_many(["page", "a", "b"])
    assert redis_cache.get("page") is None


def test_the_configured_cache_uses_it_when_redis_is_set(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    assert isinstance(caches["default"], RedisCache)
