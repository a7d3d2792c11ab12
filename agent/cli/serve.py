"""`lemmata serve MODEL [-- VLLM FLAGS]`: run vLLM with flags suited to reasoning models until
Ctrl-C, SIGTERM or SIGHUP, then stop it."""

from __future__ import annotations

import time

import click
from rich.console import Console
from rich.markup import escape

from lemmata.agent.cli.options import guarded
from lemmata.engines.llm.vllm_server import ServerStopped, VLLMServer


@click.command("serve", context_settings={"ignore_unknown_options": True})
@click.argument("model")
@click.argument("vllm_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--port", type=int, help="Port to listen on (default: a free one).")
@click.option("--served-name", help="Name clients use (default: MODEL).")
@click.option("--reasoning-parser", help="vLLM reasoning parser (default: guessed from MODEL).")
@click.option("--max-model-len", type=int, help="Context length (default: vLLM's, the model's own).")
@click.option("--ready-timeout", type=float, default=1800, show_default=True, help="Seconds to wait for the server to answer.")
@guarded
def command(model: str, vllm_args: tuple[str, ...], port: int | None, served_name: str | None,
            reasoning_parser: str | None, max_model_len: int | None, ready_timeout: float) -> None:
    """Start vLLM's OpenAI server for MODEL (extra `vllm`), wait until it answers, print its base
    URL. Flags after `--` go to vLLM as they are, e.g. `lemmata serve M -- --dtype float32`."""
    server = VLLMServer(model, port=port, served_name=served_name, reasoning_parser=reasoning_parser,
                        max_model_len=max_model_len, extra_args=list(vllm_args))
    console = Console()
    console.print(f"[dim]$ {escape(' '.join(server.command()))}[/]")
    server.stop_on_signals()
    try:
        base_url = server.start(ready_timeout=ready_timeout)
        console.print(f"serving [bold]{escape(server.served_name)}[/] at [bold green]{base_url}[/]")
        console.print(f"use: lemmata solve --base-url {base_url} --model {escape(server.served_name)} \"PROBLEM\"",
                      soft_wrap=True)
        click.echo(base_url)
        while server.process and server.process.poll() is None:
            time.sleep(1)
    except (KeyboardInterrupt, ServerStopped):
        pass
    finally:
        server.stop()
        server.restore_signals()
