"""Several server processes, each with a listening socket of its own (SO_REUSEPORT).

uvicorn's own `--workers` shares one listening socket between its processes; whichever
process wakes first accepts a whole burst of new connections, so with keep-alive
clients one process can end up serving three times as many as the other. With a
socket per process the kernel spreads new connections over the processes evenly.
A process that dies is started again, unless processes keep ending right after their
start (then the supervisor stops with an error); Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from typing import Any

__all__ = ["run_workers"]

log = logging.getLogger(__name__)
_APP = "zicht.web.app:create_app"
# A process that ends this soon after its start most likely cannot start at all; after
# this many such ends in a row the supervisor gives up instead of restarting forever.
EARLY_END_SECONDS = 10.0
EARLY_ENDS_TO_GIVE_UP = 3


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _serve(sock: socket.socket, options: dict[str, Any]) -> None:
    import uvicorn

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor stops us with SIGTERM
    config = uvicorn.Config(_APP, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Run `workers` processes serving the app on host:port until interrupted.

    Each process builds the app from the ZICHT_* environment; `options` go to
    `uvicorn.Config`.
    """
    # All sockets listen before any process starts, so that connections made while a
    # process is still starting wait for it instead of all going to the first one up.
    sockets = [_listen(host, port) for _ in range(workers)]
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start(i: int) -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_serve, args=(sockets[i], options), daemon=False)
        process.start()
        return process

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start(i) for i in range(workers)]
    started = [time.monotonic()] * workers
    early_ends = 0  # processes in a row that ended soon after they started
    try:
        while not stopping:
            time.sleep(0.5)
            for i, process in enumerate(processes):
                if process.is_alive() or stopping:
                    continue
                early = time.monotonic() - started[i] < EARLY_END_SECONDS
                early_ends = early_ends + 1 if early else 0
                if early_ends >= EARLY_ENDS_TO_GIVE_UP:
                    raise RuntimeError(
                        f"server processes keep ending right after they start (exit code "
                        f"{process.exitcode}); see the messages above"
                    )
                log.warning(
                    "server process %s ended (%s); starting another",
                    process.pid,
                    process.exitcode,
                )
                processes[i], started[i] = start(i), time.monotonic()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(15)
            if process.is_alive():
                process.kill()
        for sock in sockets:
            sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
