"""`lemmata export`: recorded runs as RL training data (OREAL-H records, verl, OpenRLHF, TRL, ShareGPT)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from pathlib import Path

import click

from lemmata.agent.cli.options import guarded, model_options
from lemmata.agent.config import Config
from lemmata.memory import RunStore
from lemmata.memory.export import AdvantageSettings, ExportError, ExportFilter, Redactor, export, parse_roles
from lemmata.memory.export_records import export_schema
from lemmata.memory.export_formats import (
    Distribution,
    ExportFormat,
    ExportFormatUnavailable,
    ExportRole,
    TokenCounter,
    Written,
    distribution,
)

VERL_DEFAULT_PROMPT_TOKENS = 512
"""verl's default `data.max_prompt_length`; longer prompts stop training under `truncation=error`."""
COMPLETION_TOKENS_HINT = 4096
"""The response budget shown in the printed commands (a placeholder the user adjusts)."""
PROMPT_TOKENS_ROUNDING = 256


@click.command("export")
@click.argument("run_ids", nargs=-1)
@click.option("--format", "export_format", type=click.Choice([f.value for f in ExportFormat]),
              default=ExportFormat.OREAL_H.value, show_default=True, help="Record layout (see docs/export.md).")
@click.option("--out", type=click.Path(path_type=Path), help="Output file, or a directory for a default file name.")
@click.option("--filter", "filter_text", metavar="KEY=VALUE,...",
              help="outcome=correct|incorrect|verified, min_confidence=0.75, dataset=NAME, run=ID.")
@click.option("--roles", "roles_text", metavar="ROLE,...",
              help="Whose calls become rows: reasoner, summarizer (default: reasoner for verl, openrlhf and trl; "
                   "both otherwise).")
@click.option("--tokenizer", metavar="NAME_OR_PATH",
              help="Count prompt tokens with this Hugging Face tokenizer's chat template (needs transformers).")
@click.option("--gamma", type=click.FloatRange(0, 1), default=AdvantageSettings.gamma, show_default=True,
              help="Discount between rounds in the advantage.")
@click.option("--step-weight", type=click.FloatRange(min=0), default=AdvantageSettings.step_weight,
              show_default=True, help="Scale of the immediate (lemma-verification) reward r_t.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of an oreal-h record and exit.")
@model_options
@guarded
def command(config: Config, run_ids: tuple[str, ...], export_format: str, out: Path | None, filter_text: str | None,
            roles_text: str | None, tokenizer: str | None, gamma: float, step_weight: float, schema: bool) -> None:
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
    try:
        roles = parse_roles(roles_text)
    except ExportError as error:
        raise click.BadParameter(str(error), param_hint="--roles") from None
    count_tokens = _token_counter(tokenizer) if tokenizer else None
    store = RunStore(path)
    try:
        written = export(store, export_format, out, selection, AdvantageSettings(gamma, step_weight),
                         Redactor.from_environment(_configured_keys(config)), roles, count_tokens)
    except (ExportError, ExportFormatUnavailable) as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    click.echo(f"wrote {written.rows} {export_format} rows to {written.path}")
    click.echo(prompt_length_report(written, tokenizer))
    fmt = ExportFormat(export_format)
    if fmt.answer_reward and roles and ExportRole.SUMMARIZER in roles:
        click.echo("note: summarizer rows have no answer to grade; lemmata's answer rewards refuse them "
                   "(score them with a reward model, or export --roles reasoner)")
    hint = trainer_settings(fmt, written, _max_prompt_tokens(written))
    if hint:
        click.echo(hint)


def _configured_keys(config: Config) -> list[str | None]:
    """Every API key the configuration holds, so that none can reach an export."""
    keys = (section.api_key for section in [config.defaults, *config.roles.values()])
    return [key.get_secret_value() for key in keys if key is not None]


# The tokenizer ---------------------------------------------------------------------------------


def _token_counter(name: str) -> TokenCounter:
    """Tokens of a chat prompt under `name`'s chat template (its plain encoding when it has none)."""
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise click.ClickException("--tokenizer needs transformers: pip install transformers") from None
    try:
        tokenizer = AutoTokenizer.from_pretrained(name)
    except Exception as error:  # noqa: BLE001 - any loading failure is the same user error
        raise click.BadParameter(f"could not load tokenizer {name!r} ({type(error).__name__})",
                                 param_hint="--tokenizer") from None

    def count(messages: list[dict[str, str]]) -> int:
        if not getattr(tokenizer, "chat_template", None):
            return len(tokenizer("\n".join(m["content"] for m in messages))["input_ids"])
        ids = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True)
        return len(ids["input_ids"] if isinstance(ids, Mapping) else ids)

    return count


# Prompt lengths --------------------------------------------------------------------------------


def prompt_length_report(written: Written, tokenizer: str | None) -> str:
    """The prompt-length distribution of the rows written, to choose a trainer's max prompt length."""
    prompts = written.prompts
    lines = [f"prompt length over {len(prompts.chars)} rows (min / median / p90 / max):"]
    measured = [("characters", distribution(prompts.chars)),
                ("tokens, as the server counted", distribution(prompts.server_tokens))]
    if prompts.tokenizer_tokens is not None:
        measured.append((f"tokens, {tokenizer}", distribution(prompts.tokenizer_tokens)))
    for label, spread in measured:
        if spread is not None:
            lines.append(f"  {label:<32} {_spread(spread)}")
    tokens = prompts.tokenizer_tokens if prompts.tokenizer_tokens is not None else prompts.server_tokens
    if tokens:
        over = sum(count > VERL_DEFAULT_PROMPT_TOKENS for count in tokens)
        lines.append(f"  {over} of {len(tokens)} prompts exceed {VERL_DEFAULT_PROMPT_TOKENS} tokens "
                     "(verl's default max_prompt_length)")
    else:
        lines.append("  no token counts recorded; pass --tokenizer NAME_OR_PATH to count them")
    return "\n".join(lines)


def _spread(spread: Distribution) -> str:
    return " / ".join(f"{value:,}" for value in (spread.min, spread.median, spread.p90, spread.max))


def _max_prompt_tokens(written: Written) -> int | None:
    """The longest prompt in tokens, rounded up, or None when no tokens were counted."""
    tokens = written.prompts.tokenizer_tokens or written.prompts.server_tokens
    if not tokens:
        return None
    return -(-max(tokens) // PROMPT_TOKENS_ROUNDING) * PROMPT_TOKENS_ROUNDING


# Trainer settings ------------------------------------------------------------------------------


def reward_file(module: str) -> Path:
    """The installed file of a lemmata reward module (found without importing it)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise click.ClickException(f"{module} is not installed; reinstall lemmata (pip install -e .)")
    return Path(spec.origin).resolve()


def trainer_settings(export_format: ExportFormat, written: Written, max_prompt: int | None) -> str | None:
    """The trainer command-line settings that load this export with lemmata's reward function."""
    data = written.path.resolve()
    prompt = str(max_prompt) if max_prompt else "MAX_PROMPT_TOKENS"
    total = str(max_prompt + COMPLETION_TOKENS_HINT) if max_prompt else "MAX_PROMPT_TOKENS+RESPONSE_TOKENS"
    match export_format:
        case ExportFormat.VERL:
            path = reward_file("lemmata.verl_reward")
            return "\n".join([
                "train with verl (add your model, batch and rollout settings):",
                "  python -m verl.trainer.main_ppo \\",
                f"    data.train_files={data} data.prompt_key=prompt \\",
                f"    data.max_prompt_length={prompt} data.filter_overlong_prompts=True data.truncation=error \\",
                f"    custom_reward_function.path={path} custom_reward_function.name=compute_score",
                "  (newer verl: reward.custom_reward_function.path=... "
                "reward.custom_reward_function.name=compute_score)",
            ])
        case ExportFormat.OPENRLHF:
            path = reward_file("lemmata.openrlhf_reward")
            return "\n".join([
                "train with OpenRLHF (add your model and Ray settings):",
                f"  python -m openrlhf.cli.train_ppo_ray --data.prompt_dataset {data} \\",
                "    --data.input_key input --data.label_key label --data.apply_chat_template \\",
                f"    --data.max_len {total} --reward.remote_url {path}",
                f"  SFT: python -m openrlhf.cli.train_sft --data.dataset {data} --data.input_key input "
                f"--data.output_key output --data.apply_chat_template --data.max_len {total}",
            ])
        case ExportFormat.TRL:
            return "\n".join([
                "train with TRL (GRPO):",
                "  from datasets import load_dataset",
                "  from trl import GRPOConfig, GRPOTrainer",
                "  from lemmata.trl_reward import answer_reward",
                f"  dataset = load_dataset('json', data_files='{data}', split='train')",
                "  trainer = GRPOTrainer(model=MODEL, reward_funcs=[answer_reward], train_dataset=dataset,",
                f"                       args=GRPOConfig(max_completion_length={COMPLETION_TOKENS_HINT}, "
                f"vllm_max_model_length={total}))",
                "  (trl grpo CLI: --reward_funcs lemmata.trl_reward.answer_reward)",
            ])
    return None
