"""Runs `lemmata` as a user does, one fresh process per call, without paying the imports each time.

A call to the CLI spends about three CPU-seconds importing langgraph, openai, sympy and
sqlite-utils before it does anything, and the test suite makes about a hundred such calls. So one
launcher process per test worker imports those libraries once and then forks a child for every
call. The child is a process of its own, with the caller's arguments, environment, working
directory and standard streams, and it runs `python -m lemmata.agent.cli.main` through runpy
(Lemmata's own modules are imported fresh in each child). It exits as the interpreter would:
with the CLI's exit code, or 1 and a traceback on an uncaught exception. The launcher has no
threads, so forking it is safe.

Protocol on the launcher's stdin/stdout: one JSON request per line (args, env, cwd, timeout, and
file paths for stdout, stderr and optionally stdin), one JSON reply per line (returncode, or "timeout").
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import sys

PRELOADED = ("langgraph.graph", "openai", "httpx", "sympy", "math_verify", "sqlite_utils", "rich.console", "click")
CLI_MODULE = "lemmata.agent.cli.main"


def _read_line(buffer: bytearray) -> bytes | None:
    """One request line from fd 0, read with os.read so no request sits in a Python buffer that
    a child would inherit."""
    while b"\n" not in buffer:
        chunk = os.read(0, 65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    return line


def _become_cli(request: dict) -> None:
    """In the child: take the caller's setting and run the CLI as `python -m` would, then exit."""
    import runpy

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    stdin = os.open(request.get("stdin") or os.devnull, os.O_RDONLY)
    stdout = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    stderr = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for source, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(source, target)
        os.close(source)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path[0] = os.getcwd()  # as `python -m` puts the working directory first
    sys.argv = [CLI_MODULE, *request["args"]]
    try:
        runpy.run_module(CLI_MODULE, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    _finish(code)


def _exit_code(code: object) -> int:
    """What the interpreter makes of `sys.exit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _finish(code: int) -> None:
    """End the child as interpreter shutdown would (non-daemon threads joined, atexit handlers
    run, streams flushed) but skip tearing down the launcher's big heap, which would copy every
    inherited page and cost seconds."""
    import atexit
    import threading

    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)


def _wait(pid: int, timeout: float) -> dict:
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return {"timeout": True}
    _, status = os.waitpid(pid, 0)
    return {"returncode": os.waitstatus_to_exitcode(status)}


def main() -> None:
    import importlib

    for module in PRELOADED:
        with contextlib.suppress(ImportError):  # a missing one is imported (and fails) in the child
            importlib.import_module(module)
    with contextlib.suppress(ImportError):
        # openai's HTTP transport imports its connection modules on the first client; pay that here too.
        importlib.import_module("openai").AsyncOpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1")
    gc.freeze()  # children's collections then skip the inherited objects instead of touching them
    os.write(1, b'{"ready": true}\n')
    buffer = bytearray()
    while (line := _read_line(buffer)) is not None:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_cli(request)  # never returns: the child ends with os._exit
        os.write(1, json.dumps(_wait(pid, request["timeout"])).encode() + b"\n")


if __name__ == "__main__":
    main()
