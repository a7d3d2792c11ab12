"""`lemmata export`: recorded runs as RL training data (OREAL-H records, verl, OpenRLHF, TRL, ShareGPT)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from agent.cli.options import guarded, model_options
from agent.config import Config
from memory import RunStore
from memory.export import AdvantageSettings, ExportError, ExportFilter, Redactor, export, export_schema
from memory.export_formats import ExportFormat, ExportFormatUnavailable


@click.command("export")
@click.argument("run_ids", nargs=-1)
@click.option("--format", "export_format", type=click.Choice([f.value for f in ExportFormat]),
              default=ExportFormat.OREAL_H.value, show_default=True, help="Record layout (see docs/export.md).")
@click.option("--out", type=click.Path(path_type=Path), help="Output file, or a directory for a default file name.")
@click.option("--filter", "filter_text", metavar="KEY=VALUE,...",
              help="outcome=correct|incorrect|verified, min_confidence=0.75, dataset=NAME, run=ID.")
@click.option("--gamma", type=click.FloatRange(0, 1), default=AdvantageSettings.gamma, show_default=True,
              help="Discount between rounds in the advantage.")
@click.option("--step-weight", type=click.FloatRange(min=0), default=AdvantageSettings.step_weight,
              show_default=True, help="Scale of the immediate (lemma-verification) reward r_t.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of an oreal-h record and exit.")
@model_options
@guarded
def command(config: Config, run_ids: tuple[str, ...], export_format: str, out: Path | None, filter_text: str | None,
            gamma: float, step_weight: float, schema: bool) -> None:
    """Export recorded runs (all runs, or RUN_IDS) as training data for RL trainers."""
    if schema:
        click.echo(json.dumps(export_schema(), indent=2))
        return
    if out is None:
        raise click.UsageError("--out is required (a file, or a directory for a default file name)")
    path = Path(config.store.path)
    if not path.exists():
        raise click.ClickException(f"no run store at {path}; pass --db PATH or solve a problem first")
    try:
        selection = ExportFilter.parse(filter_text, run_ids)
    except ExportError as error:
        raise click.BadParameter(str(error), param_hint="--filter") from None
    store = RunStore(path)
    try:
        written = export(store, export_format, out, selection, AdvantageSettings(gamma, step_weight),
                         Redactor.from_environment(_configured_keys(config)))
    except (ExportError, ExportFormatUnavailable) as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    click.echo(f"wrote {written.rows} {export_format} rows to {written.path}")


def _configured_keys(config: Config) -> list[str | None]:
    """Every API key the configuration holds, so that none can reach an export."""
    keys = (section.api_key for section in [config.defaults, *config.roles.values()])
    return [key.get_secret_value() for key in keys if key is not None]
