"""`lemmata check GOLD RESPONSE`: grade one response, print the verdict, deciding path and reason."""

from __future__ import annotations

import asyncio
import json
import sys

import click
from rich.console import Console

from agent.cli.options import guarded, model_options
from agent.config import Config
from agent.roles import Role
from engines.answers import Grade, Verdict, agrade
from engines.answers.judge import client_judge

EXIT_CODES = {Verdict.CORRECT: 0, Verdict.INCORRECT: 1, Verdict.INVALID: 1, Verdict.UNDECIDED: 2}


@click.command("check")
@click.argument("gold")
@click.argument("response")
@click.option("--question", "-q", help="The problem text (enables order and form rules, and helps the judge).")
@click.option("--judge/--no-judge", "use_judge", default=None,
              help="Ask the judge model when rules cannot decide (default: when a judge endpoint is configured).")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds allowed for the rule-based comparison.")
@click.option("--json", "as_json", is_flag=True, help="Print the grade as JSON.")
@model_options
@guarded
def command(gold: str, response: str, question: str | None, use_judge: bool | None, timeout: float, as_json: bool, config: Config) -> None:
    """Grade RESPONSE (text, or - for stdin) against the GOLD answer.

    Exit code 0 = correct, 1 = incorrect or invalid, 2 = undecided.
    """
    if response == "-":
        response = sys.stdin.read()
    configured = bool(config.for_role(Role.JUDGE).base_url)
    if use_judge and not configured:
        raise click.UsageError("--judge needs a judge endpoint: set LEMMATA_BASE_URL / --base-url or [roles.judge] base_url")
    result = asyncio.run(_grade(gold, response, question, timeout, config if (use_judge is None and configured) or use_judge else None))
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        Console().print(result)
    sys.exit(EXIT_CODES[result.verdict])


async def _grade(gold: str, response: str, question: str | None, timeout: float, config: Config | None) -> Grade:
    if config is None:
        return await agrade(gold, response, question, timeout=timeout)
    from engines.llm import LLMClient

    client = LLMClient(config)
    try:
        return await agrade(gold, response, question, judge=client_judge(client, Role.JUDGE.value), timeout=timeout)
    finally:
        await client.aclose()
