"""`lemmata view`: browse the run store in a web browser (local, read-only)."""

from __future__ import annotations

from pathlib import Path

import click

from lemmata.agent.cli.options import model_options
from lemmata.agent.config import Config


@click.command("view")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@model_options
def command(config: Config, port: int) -> None:
    """Serve the run store at http://127.0.0.1:PORT: runs, a problems x samples grid coloured by
    grade, and each sample's rounds, lemmas, votes, verdicts and solution. Read-only; Ctrl-C stops."""
    from lemmata.agent.viewer.server import make_server

    db = Path(config.store.path)
    try:
        server = make_server(db, port)
    except FileNotFoundError:
        raise click.ClickException(f"no run store at {db}; pass --db PATH or run lemmata solve first") from None
    except OSError as error:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {error.strerror}; try --port 0") from None
    click.echo(f"lemmata view: http://127.0.0.1:{server.server_address[1]}/  (store {db}; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()
