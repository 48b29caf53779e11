"""The server's store of finished runs (workers.run_cache): a miss is None, the bound forgets the
least recently used, old runs expire, and threads storing and looking up at once break nothing."""

import threading

from workers.run_cache import RunCache


def test_a_miss_is_none_and_a_stored_run_is_returned_as_stored():
    cache, view = RunCache(), object()
    assert cache.get("a") is None
    cache.put("a", view)
    assert cache.get("a") is view and cache.get("b") is None


def test_the_bound_forgets_the_least_recently_used():
    cache = RunCache(max_entries=3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"  # a is now the most recently used: b goes first
    cache.put("d", "D")
    assert len(cache) == 3
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == ["A", "C", "D"]
    cache.put("e", "E")  # the order is now a, c, d: a goes
    assert cache.get("a") is None and cache.get("e") == "E"


def test_storing_a_key_again_replaces_it_without_growing():
    cache = RunCache(max_entries=2)
    cache.put("a", 1)
    cache.put("a", 2)
    assert cache.get("a") == 2 and len(cache) == 1


def test_a_run_older_than_max_age_is_forgotten():
    now = [0.0]
    cache = RunCache(max_age_s=10, clock=lambda: now[0])
    cache.put("a", "A")
    now[0] = 10.0
    assert cache.get("a") == "A"  # a lookup does not make it younger
    now[0] = 10.5
    assert cache.get("a") is None and len(cache) == 0


def test_threads_storing_and_looking_up_at_once_keep_the_bound():
    cache, threads_n, per_thread = RunCache(max_entries=50), 8, 500
    start, errors = threading.Barrier(threads_n), []

    def work(t: int) -> None:
        start.wait()
        try:
            for i in range(per_thread):
                key = f"{t}-{i}"
                cache.put(key, (t, i))
                found = cache.get(key)
                assert found is None or found == (t, i)  # (evicted by the others meanwhile)
                cache.get(f"{(t + 1) % threads_n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below, from the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) == 50
    cache.put("last", "L")
    assert cache.get("last") == "L" and len(cache) == 50
