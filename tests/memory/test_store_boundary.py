"""SQL, the run store's tables and its connection are memory's business: everything else reads and
writes through memory's functions (ShotRecords, loop_records, run_index, read_only ...)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_MEMORY = ("agent", "lemmata")
SQL = re.compile(r"\b(select\b.+\bfrom|insert\s+(or\s+\w+\s+)?into|update\s+\S+\s+set|delete\s+from|create\s+"
                 r"(unique\s+)?(table|index)|pragma\s+\w+|json_extract\()", re.IGNORECASE | re.DOTALL)
DATABASE_MODULES = {"sqlite3", "sqlite_utils", "aiosqlite"}
CONNECTION_ATTRIBUTES = {"db", "conn"}
CONNECTION_METHODS = {"execute", "executemany", "executescript", "query", "rows_where"}


def store_access(path: Path) -> list[str]:
    """Each place in `path` that writes SQL, imports a database module or reaches into a connection."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{where}: SQL text {node.value[:60]!r}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            found += [f"{where}: imports {name}" for name in names if name.split(".")[0] in DATABASE_MODULES]
        elif isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRIBUTES:
            found.append(f"{where}: uses .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CONNECTION_METHODS:
            found.append(f"{where}: calls .{node.func.attr}()")
    return found


def test_no_sql_or_table_access_outside_memory():
    files = sorted(file for folder in OUTSIDE_MEMORY for file in (ROOT / folder).rglob("*.py"))
    assert files, "no Python files found: is ROOT right?"
    found = [place for file in files for place in store_access(file)]
    assert not found, ("SQL or direct store access outside memory/ — add a function to memory/ (ShotRecords, "
                       "loop_records, run_index, read_only ...) and call that instead:\n" + "\n".join(found))


def test_the_check_finds_what_it_looks_for(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    probe = tmp_path / "probe.py"
    probe.write_text('import sqlite_utils\nrows = store.db["samples"].rows_where("run_id = ?", [1])\n'
                     'store.db.execute("select id from runs where id = ?")\n', encoding="utf-8")
    found = store_access(probe)
    assert any("imports sqlite_utils" in f for f in found)
    assert any("calls .rows_where()" in f for f in found) and any("uses .db" in f for f in found)
    assert any("SQL text" in f for f in found)
