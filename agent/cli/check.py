"""`lemmata check GOLD RESPONSE`: grade one response, print the verdict, deciding path and reason.

Rules run first, in this process; the configuration (and the HTTP client stack it pulls in) is
loaded only when the rules leave the answer undecided and a judge may be asked, so a one-line
check costs about as much as importing math-verify.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lemmata.engines.answers.grade import Grade, agrade, grade
from lemmata.engines.answers.verdicts import DecidedBy, Verdict

if TYPE_CHECKING:
    from lemmata.agent.config import Config

EXIT_CODES = {Verdict.CORRECT: 0, Verdict.INCORRECT: 1, Verdict.INVALID: 1, Verdict.UNDECIDED: 2}


@click.command("check")
@click.argument("gold")
@click.argument("response")
@click.option("--question", "-q", help="The problem text (enables order and form rules, and helps the judge).")
@click.option("--judge/--no-judge", "use_judge", default=None,
              help="Ask the judge model when rules cannot decide (default: when a judge endpoint is configured).")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds allowed for the rule-based comparison.")
@click.option("--json", "as_json", is_flag=True, help="Print the grade as JSON.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="A lemmata.toml (default: ./lemmata.toml if present).")
@click.option("--base-url", "base_urls", multiple=True, help="OpenAI-compatible API root of the judge, e.g. http://127.0.0.1:8000/v1.")
@click.option("--model", help="Served model name of the judge.")
def command(gold: str, response: str, question: str | None, use_judge: bool | None, timeout: float, as_json: bool,
            config_path: Path | None, base_urls: tuple[str, ...], model: str | None) -> None:
    """Grade RESPONSE (text, or - for stdin) against the GOLD answer.

    Exit code 0 = correct, 1 = incorrect or invalid, 2 = undecided.
    """
    if response == "-":
        response = sys.stdin.read()
    config = _judge_config(config_path, base_urls, model) if use_judge else None
    result = grade(gold, response, question, timeout=timeout)
    if result.decided_by == DecidedBy.NONE and use_judge is not False:
        config = config or _judge_config(config_path, base_urls, model, required=False)
        if config is not None:
            result = asyncio.run(_ask_judge(gold, response, question, timeout, config))
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        from rich.console import Console

        from lemmata.engines.answers.grade_view import grade_panel

        Console().print(grade_panel(result))
    sys.exit(EXIT_CODES[result.verdict])


def _judge_config(config_path: Path | None, base_urls: tuple[str, ...], model: str | None, required: bool = True) -> Config | None:
    """The configuration when it names a judge endpoint; None (or a usage error when required) otherwise."""
    from lemmata.agent.cli.options import guarded
    from lemmata.agent.config import load_config, one_or_many
    from lemmata.agent.loop.roles import Role

    config = guarded(load_config)(config_path, {"base_url": one_or_many(base_urls), "model": model})
    if config.for_role(Role.JUDGE).base_url:
        return config
    if required:
        raise click.UsageError("--judge needs a judge endpoint: set LEMMATA_BASE_URL / --base-url or [roles.judge] base_url")
    return None


async def _ask_judge(gold: str, response: str, question: str | None, timeout: float, config: Config) -> Grade:
    from lemmata.agent.loop.roles import Role
    from lemmata.engines.answers.judge import client_judge
    from lemmata.engines.llm import LLMClient

    client = LLMClient(config)
    try:
        return await agrade(gold, response, question, judge=client_judge(client, Role.JUDGE.value), timeout=timeout)
    finally:
        await client.aclose()
