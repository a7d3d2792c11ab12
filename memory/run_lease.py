"""The lease of a run being executed: one row (pid, host, heartbeat) so a second process that
resumes the same run stops instead of paying for every call twice; a dead holder's lease is
taken over."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from lemmata.memory.store import BUSY_TIMEOUT_MS, RunStore, now
from lemmata.memory.store_errors import RunLeasedError

HEARTBEAT_S = 15.0
STALE_AFTER_S = 120.0
"""A holder on another host whose heartbeat is older than this is taken for dead."""


def acquire(store: RunStore, run_id: str) -> str:
    """Take the lease of `run_id` for this process; returns its token. Raises RunLeasedError
    naming the holder when a live process holds it."""
    token, host = uuid.uuid4().hex, socket.gethostname()
    with store.transaction() as db:
        held = next(db["run_leases"].rows_where("run_id = ?", [run_id]), None)
        if held is not None and held["pid"] != os.getpid() and _alive(held, host):
            raise RunLeasedError(
                f"run {run_id} is being executed by pid {held['pid']} on {held['host']} "
                f"(heartbeat {held['heartbeat_at'][:19]}); wait for it to end or stop that process")
        db["run_leases"].upsert({"run_id": run_id, "pid": os.getpid(), "host": host, "token": token,
                                 "acquired_at": now(), "heartbeat_at": now()}, pk="run_id")
    return token


def release(store: RunStore, run_id: str, token: str) -> None:
    with store.transaction() as db:
        db.execute("delete from run_leases where run_id = ? and token = ?", [run_id, token])


@contextmanager
def held(store: RunStore, run_id: str) -> Iterator[str]:
    """Hold the lease while the block runs; a thread refreshes its heartbeat on its own
    connection (the store's connection belongs to the event loop's thread)."""
    token = acquire(store, run_id)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(str(store.path), run_id, token, stop), daemon=True)
    beat.start()
    try:
        yield token
    finally:
        stop.set()
        beat.join()
        try:
            release(store, run_id, token)
        except Exception:  # noqa: BLE001 - a full disk must not hide the error that ended the run
            pass  # a lease left behind is taken over: its pid is dead by the next resume


def _heartbeat(path: str, run_id: str, token: str, stop: threading.Event) -> None:
    if path == ":memory:":
        return
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        while not stop.wait(HEARTBEAT_S):
            try:
                connection.execute("update run_leases set heartbeat_at = ? where run_id = ? and token = ?",
                                   [now(), run_id, token])
            except sqlite3.Error:
                continue  # busy or full: the next beat tries again
    finally:
        connection.close()


def _alive(lease: dict, host: str) -> bool:
    if lease["host"] == host:
        try:
            os.kill(lease["pid"], 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    beat = datetime.fromisoformat(lease["heartbeat_at"])
    return datetime.now(UTC) - beat < timedelta(seconds=STALE_AFTER_S)
