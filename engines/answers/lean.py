"""Lean adapter (needs a Lean 4 toolchain): sends a Lean 4 statement and proof to a Lean REPL
and returns a formal verdict.

A library function for callers that have Lean statements: the lemma loop does not call it (its
lemmas are informal and checked by verifier votes), and no Python package provides Lean.

Speaks the leanprover-community `repl` protocol: one JSON command per request
(`{"cmd": "...", "env": 0}`), requests and responses separated by a blank line. The header
(`import Mathlib` by default) is sent once and its environment reused. The REPL command
comes from `LEMMATA_LEAN_REPL` (e.g. `lake env /path/to/repl/.lake/build/bin/repl`, run in
a Mathlib project given by `LEMMATA_LEAN_PROJECT`) or a `repl` executable on PATH. Without
either, `check_lean_proof` returns an `unavailable` verdict with a one-line install hint.
"""

from __future__ import annotations

import json
import os
import queue
import shlex
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lemmata.engines.answers.errors import LeanProtocolError, LeanUnavailable

LEAN_REPL_ENV = "LEMMATA_LEAN_REPL"
LEAN_PROJECT_ENV = "LEMMATA_LEAN_PROJECT"
DEFAULT_HEADER = "import Mathlib"
HEADER_TIMEOUT_SECONDS = 600.0
"""Loading Mathlib takes minutes on a cold machine."""
PROOF_TIMEOUT_SECONDS = 120.0
"""Wall-clock limit for checking one proof."""
LEAN_INSTALL_HINT = (
    "Lean 4 not found: install elan (curl https://elan.lean-lang.org/elan-init.sh -sSf | sh), build "
    f"github.com/leanprover-community/repl, and set {LEAN_REPL_ENV}='lake env /path/to/repl' "
    f"(and {LEAN_PROJECT_ENV} to a Mathlib project)."
)


class FormalStatus(StrEnum):
    """Outcome of a formal check."""

    VERIFIED = "verified"
    REJECTED = "rejected"
    """Lean reported an error."""
    INCOMPLETE = "incomplete"
    """The proof compiles but uses `sorry`."""
    UNAVAILABLE = "unavailable"
    """No Lean toolchain on this machine."""
    TIMEOUT = "timeout"
    ERROR = "error"
    """The REPL misbehaved (crashed, spoke something other than its protocol)."""


@dataclass(frozen=True)
class FormalVerdict:
    """A Lean check of one statement and its proof."""

    status: FormalStatus
    source: str
    """The Lean text that was checked."""
    messages: list[str] = field(default_factory=list)
    """Lean's messages (`severity: text`), or the reason it could not run."""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status.value, "source": self.source, "messages": list(self.messages), "seconds": self.seconds}


def find_lean_repl() -> list[str] | None:
    """The REPL command line from LEMMATA_LEAN_REPL or a `repl` on PATH, else None."""
    configured = os.environ.get(LEAN_REPL_ENV)
    if configured:
        return shlex.split(configured)
    found = shutil.which("repl")
    return [found] if found and shutil.which("lean") else None


def lean_source(statement: str, proof: str) -> str:
    """Join a statement (`theorem t : P`) and its proof (`by simp`) into one declaration."""
    statement, proof = statement.strip(), proof.strip()
    if not proof:
        return statement
    if statement.endswith(":="):
        return f"{statement} {proof}"
    return f"{statement} := {proof}" if not proof.startswith(":=") else f"{statement} {proof}"


class LeanRepl:
    """One running REPL process; send commands with `run`, check proofs with `check`."""

    def __init__(self, command: list[str], *, cwd: str | None = None, header: str | None = DEFAULT_HEADER) -> None:
        self._command, self._cwd, self._header = command, cwd, header
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._header_env: int | None = None

    def __enter__(self) -> LeanRepl:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the process and load the header (once)."""
        try:
            self._process = subprocess.Popen(
                self._command, cwd=self._cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, bufsize=1,
            )
        except OSError as error:
            raise LeanUnavailable(f"could not start {self._command[0]!r} ({error}). {LEAN_INSTALL_HINT}") from None
        threading.Thread(target=self._read_lines, daemon=True).start()
        if self._header:
            reply = self.run({"cmd": self._header}, timeout=HEADER_TIMEOUT_SECONDS)
            errors = _errors(reply)
            if errors:
                raise LeanProtocolError(f"the header {self._header!r} failed: {errors[0]}")
            self._header_env = reply.get("env")

    def run(self, command: dict[str, Any], *, timeout: float = PROOF_TIMEOUT_SECONDS) -> dict[str, Any]:
        """Send one JSON command, wait for its JSON reply (blank-line terminated)."""
        if self._process is None or self._process.stdin is None:
            raise LeanProtocolError("the REPL is not running; call start() first")
        self._process.stdin.write(json.dumps(command) + "\n\n")
        self._process.stdin.flush()
        return self._read_reply(time.monotonic() + timeout)

    def check(self, statement: str, proof: str, *, timeout: float = PROOF_TIMEOUT_SECONDS) -> FormalVerdict:
        """Check one declaration in the header's environment."""
        source = lean_source(statement, proof)
        started = time.monotonic()
        command: dict[str, Any] = {"cmd": source}
        if self._header_env is not None:
            command["env"] = self._header_env
        try:
            reply = self.run(command, timeout=timeout)
        except TimeoutError:
            self.close()
            return FormalVerdict(FormalStatus.TIMEOUT, source, [f"no reply within {timeout:g} s; REPL stopped"], round(time.monotonic() - started, 3))
        except LeanProtocolError as error:
            return FormalVerdict(FormalStatus.ERROR, source, [str(error)], round(time.monotonic() - started, 3))
        return _verdict(reply, source, round(time.monotonic() - started, 3))

    def close(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=5)
        for stream in (self._process.stdin, self._process.stdout):
            if stream:
                stream.close()
        self._process = None

    def _read_lines(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _read_reply(self, deadline: float) -> dict[str, Any]:
        collected: list[str] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Lean REPL reply timed out")
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                raise TimeoutError("Lean REPL reply timed out") from None
            if line is None:
                raise LeanProtocolError("the Lean REPL exited before replying")
            if line.strip():
                collected.append(line)
            elif collected:
                return _decode("".join(collected))


def check_lean_proof(statement: str, proof: str, *, timeout: float = PROOF_TIMEOUT_SECONDS) -> FormalVerdict:
    """One-shot check with a fresh REPL; `unavailable` with an install hint when Lean is missing."""
    source = lean_source(statement, proof)
    command = find_lean_repl()
    if command is None:
        return FormalVerdict(FormalStatus.UNAVAILABLE, source, [LEAN_INSTALL_HINT])
    try:
        with LeanRepl(command, cwd=os.environ.get(LEAN_PROJECT_ENV)) as repl:
            return repl.check(statement, proof, timeout=timeout)
    except LeanUnavailable as error:
        return FormalVerdict(FormalStatus.UNAVAILABLE, source, [str(error)])
    except (LeanProtocolError, TimeoutError) as error:
        return FormalVerdict(FormalStatus.ERROR, source, [str(error)])


def _decode(text: str) -> dict[str, Any]:
    try:
        reply = json.loads(text)
    except json.JSONDecodeError as error:
        raise LeanProtocolError(f"the Lean REPL sent non-JSON output: {text[:120]!r} ({error})") from None
    if not isinstance(reply, dict):
        raise LeanProtocolError(f"the Lean REPL sent {type(reply).__name__}, expected a JSON object")
    return reply


def _errors(reply: dict[str, Any]) -> list[str]:
    messages = [m for m in reply.get("messages", []) if isinstance(m, dict) and m.get("severity") == "error"]
    if "message" in reply and not messages:  # the REPL's own errors, e.g. unknown environment
        return [str(reply["message"])]
    return [str(m.get("data", "")) for m in messages]


def _verdict(reply: dict[str, Any], source: str, seconds: float) -> FormalVerdict:
    messages = [f"{m.get('severity', 'info')}: {m.get('data', '')}" for m in reply.get("messages", []) if isinstance(m, dict)]
    if _errors(reply):
        return FormalVerdict(FormalStatus.REJECTED, source, messages or _errors(reply), seconds)
    if reply.get("sorries") or any("declaration uses 'sorry'" in message for message in messages):
        return FormalVerdict(FormalStatus.INCOMPLETE, source, messages or ["proof uses sorry"], seconds)
    return FormalVerdict(FormalStatus.VERIFIED, source, messages, seconds)
