"""`lemmata serve MODEL`: run vLLM with flags suited to reasoning models until Ctrl-C."""

from __future__ import annotations

import time

import click
from rich.console import Console

from agent.cli.options import guarded
from engines.llm.vllm_server import VLLMServer


@click.command("serve")
@click.argument("model")
@click.option("--port", type=int, help="Port to listen on (default: a free one).")
@click.option("--served-name", help="Name clients use (default: MODEL).")
@click.option("--reasoning-parser", help="vLLM reasoning parser (default: guessed from MODEL).")
@click.option("--max-model-len", type=int, default=131072, show_default=True)
@click.option("--ready-timeout", type=float, default=1800, show_default=True, help="Seconds to wait for the server to answer.")
@guarded
def command(model: str, port: int | None, served_name: str | None, reasoning_parser: str | None,
            max_model_len: int, ready_timeout: float) -> None:
    """Start `vllm serve MODEL` (extra `vllm`), wait until it answers, print its base URL."""
    server = VLLMServer(model, port=port, served_name=served_name,
                        reasoning_parser=reasoning_parser, max_model_len=max_model_len)
    console = Console()
    console.print(f"[dim]$ {' '.join(server.command())}[/]")
    base_url = server.start(ready_timeout=ready_timeout)
    console.print(f"serving [bold]{server.served_name}[/] at [bold green]{base_url}[/]")
    console.print(f"use: lemmata solve --base-url {base_url} --model {server.served_name} \"PROBLEM\"")
    click.echo(base_url)
    try:
        while server.process and server.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
