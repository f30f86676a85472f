"""Appends from many connections at once make one gapless chain, never a fork.

PostgreSQL is the real case (a table lock makes appends take turns); on SQLite the
IMMEDIATE write lock does it.
"""

import threading

import pytest
from django.db import connections

from frankly.transparency import signing
from frankly.transparency.canonical import GENESIS_HASH
from frankly.transparency.ledger import verify_local
from frankly.transparency.models import Checkpoint, LedgerEntry
from tests.transparency.support import append, use_own_signing_key

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, APPENDS_EACH = 8, 10


@pytest.fixture(autouse=True)
def signing_key(monkeypatch):
    yield use_own_signing_key(monkeypatch)
    signing.private_key.cache_clear()


def test_concurrent_appends_make_one_gapless_chain():
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(thread: int):
        try:
            barrier.wait()
            for i in range(APPENDS_EACH):
                append(thread * 100 + i)  # its own transaction.atomic()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()

    assert errors == []
    entries = list(LedgerEntry.objects.order_by("seq"))
    total = THREADS * APPENDS_EACH
    assert len(entries) == total
    assert [e.seq for e in entries] == list(range(1, total + 1))
    assert [e.prev_hash for e in entries] == [GENESIS_HASH] + [e.hash for e in entries[:-1]]
    assert len({e.hash for e in entries}) == total
    # Every thread's appends all made it, each exactly once.
    assert sorted(int(e.object_id) for e in entries) == sorted(
        t * 100 + i for t in range(THREADS) for i in range(APPENDS_EACH)
    )
    assert sorted(Checkpoint.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    verdict = verify_local()
    assert verdict.ok, str(verdict)
    assert (verdict.count, verdict.head) == (total, entries[-1].hash)
