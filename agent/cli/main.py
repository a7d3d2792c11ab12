"""`lemmata`: assembles one command module per verb group."""

from __future__ import annotations

import importlib
import importlib.util

import click

from lemmata.agent import __version__

# Each module exposes `command`, a click command or group; imported lazily so that
# `lemmata --help` stays fast and one broken verb cannot take the others down.
COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "solve": ("lemmata.agent.cli.solve", "Solve one problem with the multi-round lemma loop."),
    "sessions": ("lemmata.agent.cli.sessions", "List interactive sessions."),
    "batch": ("lemmata.agent.cli.batch", "Solve a competition set: problems x samples, resumable."),
    "runs": ("lemmata.agent.cli.runs", "List the runs in the store: kind, dataset, model, status, accuracy."),
    "view": ("lemmata.agent.cli.view", "Browse runs in a local web page: grid of samples, rounds, lemmas, votes."),
    "report": ("lemmata.agent.cli.report", "pass@k, maj@k, G-Pass@k ... of a batch run, or two compared."),
    "merge": ("lemmata.agent.cli.merge", "Combine shard databases of one batch into one run."),
    "show": ("lemmata.agent.cli.show", "Print a run: rounds, lemmas, votes, verdicts, solution."),
    "lemmas": ("lemmata.agent.cli.lemmas", "Search, inspect, graph and edit the lemma memory."),
    "export": ("lemmata.agent.cli.export", "Export recorded runs as RL training data."),
    "check": ("lemmata.agent.cli.check", "Grade a final answer against the gold one."),
    "grade-proof": ("lemmata.agent.cli.grade_proof", "Grade one proof on the 0-7 olympiad scale."),
    "grader-eval": ("lemmata.agent.cli.grader_eval", "Measure the proof grader against human grades."),
    "geometry": ("lemmata.agent.cli.geometry", "The symbolic geometry engine: solve and benchmark."),
    "doctor": ("lemmata.agent.cli.doctor", "Check every configured model endpoint."),
    "config": ("lemmata.agent.cli.config", "Inspect the effective configuration."),
    "serve": ("lemmata.agent.cli.serve", "Start vLLM for a model and print its base URL."),
}


class LazyGroup(click.Group):
    """Imports a verb's module only when that verb runs; `--help` lists the verbs from their
    one-line help here, so it does not pay for langgraph, sympy and math-verify."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMAND_MODULES.items() if importlib.util.find_spec(module)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMAND_MODULES:
            return None
        return importlib.import_module(COMMAND_MODULES[name][0]).command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMAND_MODULES[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lemmata")
def cli() -> None:
    """Lemmata: a long-horizon math agent (lemma search, verifier votes, geometry engine)."""


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
