"""The tests' broker: connections forgotten when the broker changes, and a Redis database of
each test process's own."""

from urllib.parse import urlsplit, urlunsplit

from kombu import pools as kombu_pools

REDIS_DATABASES = 16  # Redis's default number of databases


def forget_connections(app) -> None:
    """Drop every broker and result connection this process holds, so the next publish
    connects to the broker now named (kombu keeps its producer pools process-wide)."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


def own_database(url: str, process: str) -> str:
    """`url` with the database after its own numbered by the test process ("gw0" → one
    after, "gw1" → two after), wrapping round Redis's sixteen."""
    parts = urlsplit(url)
    first = int(parts.path.strip("/") or 0)
    number = (first + 1 + int(process.removeprefix("gw"))) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{number}"))
