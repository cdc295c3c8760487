"""`zicht serve`: gunicorn with uvicorn workers, each process with a listening socket of its own.

gunicorn runs in the calling process (its `BaseApplication`) and forks the server
processes, which build the app from the `Settings` object handed to `serve_app` —
never from the environment. With `reuse_port` every process opens its own socket on
the port (SO_REUSEPORT), so the kernel spreads new keep-alive connections evenly over
the processes instead of letting whichever wakes first take a whole burst. gunicorn
restarts a process that dies, and stops with an error when one fails to start
(instead of restarting it forever); Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.errors import HaltServer
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

if TYPE_CHECKING:
    from zicht.config import Settings

__all__ = ["ServerOptions", "ServingError", "ZichtWorker", "serve_app"]


_COULD_NOT_START = (
    "the server processes could not start (gunicorn exit status {}); see the messages above"
)


class ServingError(RuntimeError):
    """The server stopped because its processes could not start."""


class ZichtWorker(UvicornWorker):  # type: ignore[misc]
    """A uvicorn worker on uvloop and httptools that trusts no proxy header."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        "loop": "uvloop",
        "http": "httptools",
        "proxy_headers": False,
        "server_header": False,
    }

    async def _serve(self) -> None:
        # As UvicornWorker._serve, except that SIGQUIT (what gunicorn sends its
        # processes on Ctrl-C) stops the server: uvicorn-worker 0.4 only marks the
        # worker as not alive, which uvicorn never reads, so each process was killed
        # after the graceful timeout instead of finishing its requests.
        self.config.app = self.wsgi
        server = Server(config=self.config)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGQUIT, setattr, server, "should_exit", True)
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)


@dataclass(frozen=True)
class ServerOptions:
    """How the server listens.

    `keep_alive` is the seconds an idle keep-alive connection stays open; `log_level`
    the level of gunicorn's and uvicorn's messages on standard error (no access log:
    request paths carry record ids).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "info"
    keep_alive: int = 5

    def bind(self) -> str:
        """The address in gunicorn's form (`[::1]:8000` for IPv6)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


class _Application(BaseApplication):  # type: ignore[misc]
    """gunicorn's view of Zicht: its configuration and how a process builds the app."""

    def __init__(self, settings: Settings, options: ServerOptions) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        options = self._options
        config = {
            "bind": [options.bind()],
            "workers": options.workers,
            "worker_class": f"{__name__}.ZichtWorker",
            "reuse_port": True,
            "keepalive": options.keep_alive,
            "loglevel": options.log_level,
            "errorlog": "-",
            "proc_name": "zicht",
            "graceful_timeout": 15,
            # A uvicorn worker's heartbeat runs on its event loop; on a machine at load
            # 20+ it was missed for gunicorn's default 30 s and both workers were killed
            # mid-request. Two minutes still replaces a worker that truly hangs.
            "timeout": 120,
            # No gunicornc control socket: nothing uses it, and it would be a file in
            # the home folder of whoever runs the server.
            "control_socket_disable": True,
        }
        for name, value in config.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        # Runs in each server process after the fork: the app (engine, audit writer)
        # belongs to that process alone.
        from zicht.web.app import create_app

        return create_app(self._settings, processes=self._options.workers)


def serve_app(settings: Settings, options: ServerOptions) -> None:
    """Serve the web app with gunicorn until interrupted.

    Raises:
        ServingError: a server process could not start (gunicorn stops then, with the
            reason in its messages above).
    """
    arbiter = os.getpid()
    try:
        _Application(settings, options).run()
    except SystemExit as stop:  # gunicorn's arbiter ends with sys.exit
        if os.getpid() != arbiter:
            raise  # a server process's own end (its exit code tells the arbiter why)
        if stop.code not in (0, None):
            raise ServingError(_COULD_NOT_START.format(stop.code)) from None
    except HaltServer as halt:  # raised past the arbiter when a process fails while stopping
        raise ServingError(_COULD_NOT_START.format(halt.exit_status)) from None
