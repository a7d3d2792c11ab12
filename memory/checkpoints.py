"""LangGraph checkpoints: their own SQLite file beside the run store, opened for speed and safety."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from lemmata.memory.store import BUSY_TIMEOUT_MS


def checkpoints_path(store_path: Path) -> Path:
    """The checkpoint file beside the run store at `store_path`."""
    return store_path.with_name(store_path.stem + ".checkpoints.db")


@asynccontextmanager
async def open_checkpoints(store_path: Path) -> AsyncIterator[AsyncSqliteSaver]:
    """WAL with synchronous=NORMAL, as the run store: a commit per graph step then costs no
    fsync (tens of milliseconds on slow disks) and a killed process still loses no committed
    step; a busy timeout lets several processes share the file."""
    async with aiosqlite.connect(str(checkpoints_path(Path(store_path)))) as connection:
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        yield AsyncSqliteSaver(connection)
