"""`lemmata merge OUT.db SHARD.db ...`: combine the shard databases of one batch."""

from __future__ import annotations

from pathlib import Path

import click

from lemmata.memory import RunStore
from lemmata.memory.merge import MergeError, merge_shards


@click.command("merge")
@click.argument("target", type=click.Path(path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def command(target: Path, shards: tuple[Path, ...]) -> None:
    """Merge the batch runs in SHARDS (from `lemmata batch --shard I/N`) into one run in TARGET."""
    store = RunStore(target)
    try:
        run_id = merge_shards(store, list(shards))
    except MergeError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    click.echo(f"merged {len(shards)} shards into run {run_id} in {target}; report: lemmata report {run_id} --db {target}")
