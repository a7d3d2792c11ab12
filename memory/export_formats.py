"""One writer per export format: our full OREAL-H records, and the row layouts trainers read."""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from lemmata.memory.export_records import ExportRecord, RoundRecord

CHAT_ROLES = {"system", "user", "assistant"}
SHAREGPT_ROLES = {"system": "system", "user": "human", "assistant": "gpt"}
DATA_SOURCE_PREFIX = "lemmata"
"""`data_source` is `lemmata/<dataset stem>/<role>`; lemmata.answer_reward parses it back."""
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class ExportRole(StrEnum):
    """The model roles whose calls become training rows."""

    REASONER = "reasoner"
    """Writes the solution and its final answer: rewarded by the answer grade."""
    SUMMARIZER = "summarizer"
    """Extracts lemmas: rewarded by their verification, never by the final answer."""


class ExportFormat(StrEnum):
    OREAL_H = "oreal-h"
    """Every record (rounds, lemma graphs, geometry steps) as JSON lines."""
    VERL = "verl"
    """Parquet: prompt, data_source, ability, reward_model, extra_info."""
    OPENRLHF = "openrlhf"
    """JSON lines: input (chat), output, label, reward."""
    TRL = "trl"
    """JSON lines, conversational prompt-completion with a reward column."""
    SHAREGPT = "sharegpt"
    """JSON lines: conversations of {from, value}."""

    @property
    def answer_reward(self) -> bool:
        """Trainers of this format score rollouts against a gold answer (lemmata's reward functions)."""
        return self in {ExportFormat.VERL, ExportFormat.OPENRLHF, ExportFormat.TRL}

    @property
    def default_roles(self) -> frozenset[ExportRole]:
        """Answer-reward formats hold reasoner rows only; the others hold every role."""
        return frozenset({ExportRole.REASONER}) if self.answer_reward else frozenset(ExportRole)

    @property
    def suffix(self) -> str:
        return ".parquet" if self is ExportFormat.VERL else ".jsonl"

    def default_path(self, directory: Path) -> Path:
        return directory / f"lemmata-{self.value}{self.suffix}"


class PromptLengths(NamedTuple):
    """The prompt length of every row written, to choose a trainer's max prompt length."""

    chars: list[int]
    """Characters of the prompt's messages, joined."""
    server_tokens: list[int]
    """Prompt tokens as the serving model counted them, for the rows whose call recorded it."""
    tokenizer_tokens: list[int] | None = None
    """Tokens of the prompt under the given tokenizer's chat template (None: no tokenizer given)."""


class Written(NamedTuple):
    path: Path
    rows: int
    prompts: PromptLengths = PromptLengths([], [])


class Distribution(NamedTuple):
    count: int
    min: int
    median: int
    p90: int
    max: int


def distribution(values: list[int]) -> Distribution | None:
    """Min, median, 90th percentile and max of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, -(-9 * len(ordered) // 10) - 1)]
    return Distribution(len(ordered), ordered[0], round(statistics.median(ordered)), p90, ordered[-1])


# Shared pieces ----------------------------------------------------------------------------


def chat_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The messages as plain {role, content} strings (content parts are joined)."""
    plain = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        plain.append({"role": str(message.get("role", "user")), "content": content or ""})
    return plain


def assistant_text(record: RoundRecord) -> str:
    """The completion, its reasoning first inside <think>…</think> (the R1 / Qwen3 chat convention)."""
    if not record.reasoning:
        return record.completion
    return f"<think>\n{record.reasoning}\n</think>\n\n{record.completion}"


def sample_id(record: RoundRecord) -> str:
    return f"{record.run_id}/{record.problem_id}/s{record.shot}/r{record.round}/{record.meta_action}"


def data_source(record: RoundRecord) -> str:
    """`lemmata/<dataset stem>/<role>`: stable across runs, never a file name with its extension."""
    stem = Path(record.dataset).stem if record.dataset else record.problem_kind
    return f"{DATA_SOURCE_PREFIX}/{_UNSAFE_NAME.sub('_', stem) or 'problems'}/{_UNSAFE_NAME.sub('_', record.role)}"


def gold_answer(record: RoundRecord) -> str | None:
    """The answer a reasoner rollout is graded against: answer problems only (a proof's reference is no answer)."""
    return record.ground_truth if record.problem_kind == "answer" else None


def training_fields(record: RoundRecord) -> dict[str, Any]:
    """What every format carries: the trajectory's reward, the round's advantage, and whether the
    prompts showed the reference (so a trainer can keep such rows out)."""
    return {"reward": record.outcome.terminal_reward, "advantage": record.advantage,
            "reference_visible": record.reference_visible}


# Row builders (one per format, RoundRecord in, row out) -------------------------------------


def verl_row(record: RoundRecord, index: int) -> dict[str, Any]:
    gold = gold_answer(record)
    return {
        "data_source": data_source(record),
        "prompt": chat_messages(record.messages),
        "ability": "math",
        # Only a gold answer can be checked by rule (lemmata.verl_reward.compute_score); summarizer
        # rows and proofs need a model: their lemmas' verification, or a proof grader.
        "reward_model": {"style": "rule" if gold else "model", "ground_truth": record.ground_truth or ""},
        "extra_info": {
            "index": index, "split": "train", "id": sample_id(record), "problem_id": record.problem_id,
            "run_id": record.run_id, "shot": record.shot, "round": record.round, "role": record.role,
            "meta_action": str(record.meta_action), "problem_kind": record.problem_kind,
            "response": assistant_text(record), "new_lemma": record.new_lemma, **training_fields(record),
        },
    }


def openrlhf_row(record: RoundRecord, index: int) -> dict[str, Any]:
    # `output` has the shape of `input` (OpenRLHF's SFT dataset concatenates the two).
    return {"input": chat_messages(record.messages),
            "output": [{"role": "assistant", "content": assistant_text(record)}],
            "label": gold_answer(record) or "", "datasource": data_source(record),
            **training_fields(record), "id": sample_id(record)}


def trl_row(record: RoundRecord, index: int) -> dict[str, Any]:
    return {"prompt": chat_messages(record.messages),
            "completion": [{"role": "assistant", "content": assistant_text(record)}],
            "solution": record.ground_truth, "data_source": data_source(record), "problem_kind": record.problem_kind,
            **training_fields(record), "id": sample_id(record)}


def sharegpt_row(record: RoundRecord, index: int) -> dict[str, Any]:
    turns = [*chat_messages(record.messages), {"role": "assistant", "content": assistant_text(record)}]
    return {"id": sample_id(record),
            "conversations": [{"from": SHAREGPT_ROLES.get(m["role"], m["role"]), "value": m["content"]} for m in turns],
            **training_fields(record)}


ROW_BUILDERS: dict[ExportFormat, Callable[[RoundRecord, int], dict[str, Any]]] = {
    ExportFormat.VERL: verl_row,
    ExportFormat.OPENRLHF: openrlhf_row,
    ExportFormat.TRL: trl_row,
    ExportFormat.SHAREGPT: sharegpt_row,
}


# Writers -------------------------------------------------------------------------------------


TokenCounter = Callable[[list[dict[str, str]]], int]
"""Tokens of a chat prompt (e.g. a tokenizer's chat template with the generation prompt)."""


def write_export(records: Iterable[ExportRecord], export_format: ExportFormat, out: Path,
                 count_tokens: TokenCounter | None = None) -> Written:
    """Write `records` in `export_format` to the file `out`, or to a default name inside `out` when it
    is a directory (an existing one, or a path without a suffix, which is created). The prompt
    lengths of the round records written are measured on the way (tokens too, with `count_tokens`)."""
    path = export_format.default_path(out) if out.is_dir() or not out.suffix else out
    path.parent.mkdir(parents=True, exist_ok=True)
    lengths = PromptLengths([], [], [] if count_tokens else None)
    measured = _measured(records, lengths, count_tokens)
    match export_format:
        case ExportFormat.OREAL_H:
            rows = (record.model_dump(mode="json") for record in measured)
            return Written(path, _write_jsonl(rows, path), lengths)
        case ExportFormat.VERL:
            return Written(path, _write_verl(_rows(measured, verl_row), path), lengths)
        case _:
            return Written(path, _write_jsonl(_rows(measured, ROW_BUILDERS[export_format]), path), lengths)


def _measured(records: Iterable[ExportRecord], lengths: PromptLengths,
              count_tokens: TokenCounter | None) -> Iterable[ExportRecord]:
    for record in records:
        if record.kind == "round":
            prompt = chat_messages(record.messages)
            lengths.chars.append(sum(len(message["content"]) for message in prompt))
            if record.prompt_tokens is not None:
                lengths.server_tokens.append(record.prompt_tokens)
            if count_tokens is not None and lengths.tokenizer_tokens is not None:
                lengths.tokenizer_tokens.append(count_tokens(prompt))
        yield record


def _rows(records: Iterable[ExportRecord], build: Callable[[RoundRecord, int], dict[str, Any]]) -> Iterable[dict]:
    """Trainer formats hold the round records only: graphs and geometry steps have no prompt."""
    rounds = (record for record in records if record.kind == "round")
    return (build(record, index) for index, record in enumerate(rounds))


def _write_jsonl(rows: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def verl_schema():
    """The Parquet schema of a verl row, explicit so an empty export still has its columns."""
    import pyarrow as pa

    message = pa.struct([("role", pa.string()), ("content", pa.string())])
    extra = pa.struct([
        ("index", pa.int64()), ("split", pa.string()), ("id", pa.string()), ("problem_id", pa.string()),
        ("run_id", pa.string()), ("shot", pa.int64()), ("round", pa.int64()), ("role", pa.string()),
        ("meta_action", pa.string()), ("problem_kind", pa.string()), ("response", pa.string()),
        ("new_lemma", pa.bool_()), ("reward", pa.float64()), ("advantage", pa.float64()),
        ("reference_visible", pa.bool_()),
    ])
    return pa.schema([
        ("data_source", pa.string()), ("prompt", pa.list_(message)), ("ability", pa.string()),
        ("reward_model", pa.struct([("style", pa.string()), ("ground_truth", pa.string())])),
        ("extra_info", extra),
    ])


def _write_verl(rows: Iterable[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportFormatUnavailable(
            "pyarrow is not installed (needed for --format verl): pip install 'lemmata[export]'") from None
    table = pa.Table.from_pylist(list(rows), schema=verl_schema())
    pq.write_table(table, path)
    return table.num_rows


class ExportFormatUnavailable(RuntimeError):
    """A format needs an optional package that is not installed; the message names the install command."""
