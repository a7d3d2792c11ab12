"""Start `vllm serve` for a reasoning model, wait until it answers, stop it afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from engines.llm.errors import ModelCallError

READY_TIMEOUT_S = 1800.0
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
    """The `vllm` executable is not on PATH."""


def reasoning_parser_for(model: str) -> str | None:
    lowered = model.lower()
    return next((parser for key, parser in REASONING_PARSERS.items() if key in lowered), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class VLLMServer:
    """A `vllm serve` child process; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        model: str,
        *,
        port: int | None = None,
        served_name: str | None = None,
        reasoning_parser: str | None = None,
        max_model_len: int | None = 131072,
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

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        executable = shutil.which("vllm")
        if executable is None:
            raise VLLMNotInstalledError("vllm is not installed: pip install 'lemmata[vllm]'")
        args = [executable, "serve", self.model, "--host", "127.0.0.1", "--port", str(self.port),
                "--served-model-name", self.served_name, "--enable-prefix-caching"]
        if self.reasoning_parser:
            args += ["--reasoning-parser", self.reasoning_parser]
        if self.max_model_len:
            args += ["--max-model-len", str(self.max_model_len)]
        return args + self.extra_args

    def start(self, ready_timeout: float = READY_TIMEOUT_S) -> str:
        """Start the server and block until /v1/models answers; returns the base URL."""
        command = self.command()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ModelCallError(
                    f"vllm serve exited with code {self.process.returncode} before answering; "
                    f"last output:\n{self._tail()}"
                )
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return self.base_url
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise ModelCallError(f"vllm serve did not answer within {ready_timeout:g}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> "VLLMServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
