"""One writer per export format: our full OREAL-H records, and the row layouts trainers read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from memory.export import ExportRecord, RoundRecord

CHAT_ROLES = {"system", "user", "assistant"}
SHAREGPT_ROLES = {"system": "system", "user": "human", "assistant": "gpt"}


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
    def suffix(self) -> str:
        return ".parquet" if self is ExportFormat.VERL else ".jsonl"

    def default_path(self, directory: Path) -> Path:
        return directory / f"lemmata-{self.value}{self.suffix}"


class Written(NamedTuple):
    path: Path
    rows: int


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


def training_fields(record: RoundRecord) -> dict[str, Any]:
    """The credit every format carries: the trajectory's reward and the round's advantage."""
    return {"reward": record.outcome.terminal_reward, "advantage": record.advantage}


# Row builders (one per format, RoundRecord in, row out) -------------------------------------


def verl_row(record: RoundRecord, index: int) -> dict[str, Any]:
    return {
        "data_source": f"lemmata/{record.dataset or record.problem_kind}",
        "prompt": chat_messages(record.messages),
        "ability": "math",
        # With a gold answer verl's rule-based scorer can check rollouts; without one a model must.
        "reward_model": {"style": "rule" if record.ground_truth else "model", "ground_truth": record.ground_truth or ""},
        "extra_info": {
            "index": index, "split": "train", "id": sample_id(record), "problem_id": record.problem_id,
            "run_id": record.run_id, "shot": record.shot, "round": record.round, "role": record.role,
            "meta_action": str(record.meta_action), "response": assistant_text(record),
            "new_lemma": record.new_lemma, **training_fields(record),
        },
    }


def openrlhf_row(record: RoundRecord, index: int) -> dict[str, Any]:
    return {"input": chat_messages(record.messages), "output": assistant_text(record),
            "label": record.ground_truth or "", **training_fields(record), "id": sample_id(record)}


def trl_row(record: RoundRecord, index: int) -> dict[str, Any]:
    return {"prompt": chat_messages(record.messages),
            "completion": [{"role": "assistant", "content": assistant_text(record)}],
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


def write_export(records: Iterable[ExportRecord], export_format: ExportFormat, out: Path) -> Written:
    """Write `records` in `export_format` to the file `out`, or to a default name inside `out` when it
    is a directory (an existing one, or a path without a suffix, which is created)."""
    path = export_format.default_path(out) if out.is_dir() or not out.suffix else out
    path.parent.mkdir(parents=True, exist_ok=True)
    match export_format:
        case ExportFormat.OREAL_H:
            rows = (record.model_dump(mode="json") for record in records)
            return Written(path, _write_jsonl(rows, path))
        case ExportFormat.VERL:
            return Written(path, _write_verl(_rows(records, verl_row), path))
        case _:
            return Written(path, _write_jsonl(_rows(records, ROW_BUILDERS[export_format]), path))


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
        ("meta_action", pa.string()), ("response", pa.string()), ("new_lemma", pa.bool_()),
        ("reward", pa.float64()), ("advantage", pa.float64()),
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
