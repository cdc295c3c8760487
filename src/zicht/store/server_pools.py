"""How many PostgreSQL connections each server process keeps, from the server's own limit.

A pooled connection that goes back to a full pool is closed, and the next request
opens a new one: on PostgreSQL a new backend process, its authentication and its
catalogue caches, some 10 ms of the database server's CPU. A web process whose request
threads outnumber its pool's connections does that all the time under load (a pool of
5 under 50 clients opened 230 connections for 400 requests, and the database server
spent 12–16 ms of CPU a request instead of 5–7). So each server process keeps as many
connections as it runs request threads (the readers' pool one more, for the event
loop's reads), and runs no more request threads than that; and all processes together,
with their audit writers' and background jobs' connections, stay within the server's
`max_connections`, less the connections kept for its superusers and a share left for
everything else (command-line jobs, migrations, a psql session, monitoring).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from zicht.store.database import make_engine

__all__ = [
    "AUDIT_CONNECTIONS",
    "JOB_CONNECTIONS",
    "MOST_THREADS",
    "OVERFLOW",
    "ServerPools",
    "server_pools",
    "server_pools_for",
]

_LOG = logging.getLogger(__name__)

# A server process runs one thread of Python at a time: threads beyond what covers its
# waits for the database only queue on the interpreter lock, each request's wait
# stretched by all the others'. Served reservations (docs/shelter.md: 2 cores, 2
# processes, 50 clients) answered p95 433-496 ms at 137-148 requests a second with 4
# threads a process, 617-632 ms with 8 and 557-860 ms with 16.
MOST_THREADS = 4
# A few connections past the pool for a thread that holds one connection of a pool
# and briefly needs a second (opened and closed again: rare).
OVERFLOW = 2
# The audit writer's own pool per process (`access._audit`): one and one overflow.
AUDIT_CONNECTIONS = 2
# Background jobs started from the web run in the server process with connections of
# the engine's for their whole run (a link run two, a report one): kept out of the
# threads' share.
JOB_CONNECTIONS = 3
# PostgreSQL's default `max_connections` and `superuser_reserved_connections`, for a
# server whose settings cannot be read when the process starts.
_DEFAULT_LIMITS = (100, 3)


@dataclass(frozen=True)
class ServerPools:
    """The pools of one server process: its request threads, the engine's pool as
    large, the readers' pool one larger (the event loop reads the session there too),
    each with `OVERFLOW` more, the audit writer's, and its background jobs'."""

    threads: int

    @property
    def readers(self) -> int:
        """The readers' pool: the threads' and the event loop's."""
        return self.threads + 1

    @property
    def per_process(self) -> int:
        """The most connections the process can hold at once."""
        return self.threads + self.readers + 2 * OVERFLOW + AUDIT_CONNECTIONS + JOB_CONNECTIONS


def server_pools(max_connections: int, reserved: int, processes: int) -> ServerPools:
    """The pools of each of `processes` server processes on a database server that
    accepts `max_connections`, of which `reserved` are for superusers only.

    A fifth of what is left (at least 10) stays free for everything that is not the web
    server; the rest is shared equally. A process gets at least 2 request threads, even
    when that is more than its share (then the sum may pass the limit: a warning says
    so, since the server would refuse connections under load).
    """
    if processes < 1:
        raise ValueError("processes must be at least 1")
    usable = max_connections - reserved
    share = (usable - max(10, usable // 5)) // processes
    threads = (share - AUDIT_CONNECTIONS - JOB_CONNECTIONS - 2 * OVERFLOW - 1) // 2
    pools = ServerPools(threads=max(2, min(MOST_THREADS, threads)))
    if pools.per_process * processes > usable:
        _LOG.warning(
            "%d server processes may open %d connections, more than the %d the database "
            "server accepts: run fewer processes or raise max_connections",
            processes,
            pools.per_process * processes,
            usable,
        )
    return pools


def server_pools_for(url: str, processes: int) -> ServerPools | None:
    """The pools for `processes` server processes on the PostgreSQL server at `url`
    (None on SQLite, whose connections are files opened in the process). The limits are
    read from the server over one connection of its own; if the server cannot be reached
    now, PostgreSQL's defaults are used."""
    if make_url(url).get_backend_name() != "postgresql":
        return None
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT current_setting('max_connections')::int, "
                    "current_setting('superuser_reserved_connections')::int"
                )
            ).one()
        limits = (int(row[0]), int(row[1]))
    except SQLAlchemyError as exc:
        _LOG.warning(
            "connection limits not read (%s): PostgreSQL's defaults used", type(exc).__name__
        )
        limits = _DEFAULT_LIMITS
    finally:
        engine.dispose()
    return server_pools(*limits, processes)
