"""`lemmata`: assembles one command module per verb group."""

from __future__ import annotations

import importlib
import importlib.util

import click

from agent import __version__

# Each module exposes `command`, a click command or group; imported lazily so that
# `lemmata --help` stays fast and one broken verb cannot take the others down.
COMMAND_MODULES: dict[str, str] = {
    "solve": "agent.cli.solve",
    "batch": "agent.cli.batch",
    "doctor": "agent.cli.doctor",
    "show": "agent.cli.show",
    "config": "agent.cli.config",
    "serve": "agent.cli.serve",
    "check": "agent.cli.check",
    "geometry": "agent.cli.geometry",
    "lemmas": "agent.cli.lemmas",
    "export": "agent.cli.export",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, module in COMMAND_MODULES.items() if importlib.util.find_spec(module))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMAND_MODULES:
            return None
        return importlib.import_module(COMMAND_MODULES[name]).command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lemmata")
def cli() -> None:
    """Lemmata: a long-horizon math agent (lemma search, verifier votes, geometry engine)."""


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
