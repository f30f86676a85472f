"""A Redis database number of a test's own.

`make test` runs the SQLite and the PostgreSQL suites at the same time, against one
Redis server; each suite draws from its own half of Redis's 16 databases so that one
suite's FLUSHDB never empties a database the other is using.
"""

import os
import uuid


def private_redis_db() -> int:
    """A random database number in this suite's half: 1-7 on SQLite, 8-15 on PostgreSQL."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return 8 + uuid.uuid4().int % 8
    return 1 + uuid.uuid4().int % 7
