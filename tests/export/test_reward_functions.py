"""The shipped reward functions on a batch run against the scripted server, in every trainer format."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lemmata.engines.answers import Verdict, grade
from lemmata.answer_reward import UngradableRow, answer_section
from lemmata.openrlhf_reward import reward_func
from lemmata.trl_reward import answer_reward
from lemmata.verl_reward import compute_score
from lemmata.memory import RunStore
from lemmata.memory.export import export, parse_roles
from lemmata.memory.export_records import ExportRecord
from lemmata.memory.export_formats import ExportFormat, ExportRole
from tests.conftest import REPO, run_cli
from tests.export.conftest import BATCH_PROBLEMS, BATCH_SAMPLES, BatchRun, batch_gold, scripted_right

CASES = json.loads((Path(__file__).parent / "answer_section_cases.json").read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# The answer section ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_answer_is_read_before_the_lemma_section(case):
    section = answer_section(case["response"])
    assert case["keeps"] in section and case["drops"] not in section
    assert compute_score("lemmata/set/reasoner", case["response"], case["gold"]) == case["score"]


# verl ----------------------------------------------------------------------------------------


def test_compute_score_gives_1_exactly_to_the_reasoner_rows_whose_answer_matches_the_gold(batch_run, tmp_path):
    rows = pq.read_table(export(batch_run.store, ExportFormat.VERL, tmp_path).path).to_pylist()
    assert len(rows) == BATCH_PROBLEMS * BATCH_SAMPLES
    scores = []
    for row in rows:
        assert row["data_source"] == "lemmata/set/reasoner" and row["reward_model"]["style"] == "rule"
        response = row["extra_info"]["response"]
        # Every response ends in lemma boxes: a last-box scorer would grade "Lemma -1".
        assert response.rstrip().endswith("\\boxed{Lemma -1}")
        score = compute_score(row["data_source"], response, row["reward_model"]["ground_truth"], row["extra_info"])
        assert score == scripted_right(response, row["reward_model"]["ground_truth"]), row["extra_info"]["id"]
        scores.append(score)
    assert scores.count(1.0) == BATCH_PROBLEMS  # the first sample of each problem answered right
    right_42 = [row for row, score in zip(rows, scores, strict=True)
                if score == 1.0 and row["reward_model"]["ground_truth"] == "42"]
    assert len(right_42) == 3
    # Grading the whole response, lemma boxes included, would have missed them.
    assert all(grade("42", row["extra_info"]["response"]).verdict != Verdict.CORRECT for row in right_42)


def test_summarizer_rows_carry_no_answer_and_compute_score_refuses_them(batch_run, tmp_path):
    written = export(batch_run.store, ExportFormat.VERL, tmp_path, roles=parse_roles("reasoner,summarizer"))
    rows = pq.read_table(written.path).to_pylist()
    summaries = [row for row in rows if row["extra_info"]["role"] == "summarizer"]
    assert len(summaries) == BATCH_PROBLEMS * BATCH_SAMPLES == len(rows) - len(summaries)
    for row in summaries:
        assert row["data_source"] == "lemmata/set/summarizer"
        assert row["reward_model"] == {"style": "model", "ground_truth": ""}
        with pytest.raises(UngradableRow, match="--roles reasoner"):
            compute_score(row["data_source"], row["extra_info"]["response"], row["reward_model"]["ground_truth"],
                          row["extra_info"])


def test_no_summarizer_row_carries_the_final_answer_in_any_format(batch_run, tmp_path):
    golds = {batch_gold(i) for i in range(BATCH_PROBLEMS)}
    both = [ExportRole.REASONER, ExportRole.SUMMARIZER]
    oreal = read_jsonl(export(batch_run.store, ExportFormat.OREAL_H, tmp_path / "o.jsonl").path)
    summaries = [r for r in oreal if r["kind"] == "round" and r["role"] == "summarizer"]
    assert summaries and all(r["ground_truth"] is None for r in summaries)
    openrlhf = read_jsonl(export(batch_run.store, ExportFormat.OPENRLHF, tmp_path / "r.jsonl", roles=both).path)
    assert {r["label"] for r in openrlhf if r["datasource"].endswith("/summarizer")} == {""}
    assert {r["label"] for r in openrlhf if r["datasource"].endswith("/reasoner")} == golds
    trl = read_jsonl(export(batch_run.store, ExportFormat.TRL, tmp_path / "t.jsonl", roles=both).path)
    assert {r["solution"] for r in trl if r["data_source"].endswith("/summarizer")} == {None}


def test_verl_loads_the_reward_file_by_path_in_a_fresh_interpreter(tmp_path):
    """As verl's custom_reward_function.path does: spec_from_file_location, outside the repository."""
    script = (
        "import importlib.util, sys\n"
        f"path = {str(REPO / 'lemmata' / 'verl_reward.py')!r}\n"
        "spec = importlib.util.spec_from_file_location('custom_module', path)\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "print(module.compute_score('lemmata/set/reasoner', '## Detailed solution\\n\\\\boxed{42}\\n## Lemmas\\n"
        "\\\\boxed{Lemma -1}', '42'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1.0"


# OpenRLHF --------------------------------------------------------------------------------------


def test_openrlhf_output_has_the_shape_of_input_and_reward_func_scores_queries(batch_run, tmp_path):
    pytest.importorskip("torch", reason="OpenRLHF's reward_func returns torch tensors: pip install torch")
    rows = read_jsonl(export(batch_run.store, ExportFormat.OPENRLHF, tmp_path / "r.jsonl").path)
    for row in rows:
        assert isinstance(row["input"], list) and isinstance(row["output"], list)
        assert [m["role"] for m in row["output"]] == ["assistant"] and row["datasource"] == "lemmata/set/reasoner"
        # OpenRLHF hands over the templated prompt and prompt + response as one query.
        prompt = "".join(f"<|{m['role']}|>{m['content']}" for m in row["input"]) + "<|assistant|>"
        result = reward_func([prompt + row["output"][0]["content"]], [prompt], [row["label"]])
        assert result["rewards"].tolist() == [scripted_right(row["output"][0]["content"], row["label"])]


# TRL -------------------------------------------------------------------------------------------


def test_trl_solution_column_holds_the_gold_and_answer_reward_uses_it(batch_run, tmp_path):
    rows = read_jsonl(export(batch_run.store, ExportFormat.TRL, tmp_path / "t.jsonl").path)
    assert {row["solution"] for row in rows} == {batch_gold(i) for i in range(BATCH_PROBLEMS)}
    columns = {key: [row[key] for row in rows] for key in rows[0] if key not in {"prompt", "completion"}}
    scores = answer_reward([row["completion"] for row in rows], **columns)
    assert scores == [scripted_right(row["completion"][0]["content"], row["solution"]) for row in rows]
    assert answer_reward([rows[0]["completion"]], solution=[None]) == [None]


# reference_visible and proof references ------------------------------------------------------------


def copy_store(batch: BatchRun, tmp_path: Path) -> RunStore:
    target = tmp_path / "copy.db"
    with sqlite3.connect(batch.db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return RunStore(target)


def set_reference_visible(store: RunStore, visible: bool) -> None:
    with store.transaction() as db:
        for run in list(db["runs"].rows):
            config = json.loads(run["config"])
            config.setdefault("loop", {})["reference_visible"] = visible
            db["runs"].update(run["id"], {"config": json.dumps(config)})


def test_every_record_says_whether_the_run_showed_the_reference(batch_run, tmp_path):
    store = copy_store(batch_run, tmp_path)
    for visible in (False, True):
        set_reference_visible(store, visible)
        oreal = read_jsonl(export(store, ExportFormat.OREAL_H, tmp_path / "o.jsonl").path)
        assert oreal and all(record["reference_visible"] is visible for record in oreal)
        for export_format in (ExportFormat.OPENRLHF, ExportFormat.TRL, ExportFormat.SHAREGPT):
            rows = read_jsonl(export(store, export_format, tmp_path / f"{export_format}.jsonl").path)
            assert rows and all(row["reference_visible"] is visible for row in rows)
        verl = pq.read_table(export(store, ExportFormat.VERL, tmp_path).path).to_pylist()
        assert all(row["extra_info"]["reference_visible"] is visible for row in verl)
    store.close()


def test_a_proof_reference_is_exported_only_when_the_run_showed_it_and_never_in_the_prompt(batch_run, tmp_path):
    store = copy_store(batch_run, tmp_path)
    reference = "REFERENCE-PROOF: induct on n."
    with store.transaction() as db:
        db.execute("update problems set kind = 'proof', answer = ?", [reference])
    hidden = read_jsonl(export(store, ExportFormat.TRL, tmp_path / "hidden.jsonl").path)
    assert hidden and all(row["solution"] is None for row in hidden)
    assert reference not in (tmp_path / "hidden.jsonl").read_text(encoding="utf-8")
    set_reference_visible(store, True)
    shown = read_jsonl(export(store, ExportFormat.TRL, tmp_path / "shown.jsonl").path)
    assert all(row["solution"] == reference and reference not in json.dumps(row["prompt"]) for row in shown)
    # A proof is no answer: the answer rewards leave it to a proof grader.
    assert answer_reward([shown[0]["completion"]], solution=[reference], problem_kind=["proof"]) == [None]
    openrlhf = read_jsonl(export(store, ExportFormat.OPENRLHF, tmp_path / "r.jsonl").path)
    assert {row["label"] for row in openrlhf} == {""}
    store.close()


# The CLI -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("export_format, flags", [
    ("verl", ["custom_reward_function.path=", "custom_reward_function.name=compute_score",
              "data.max_prompt_length=", "data.truncation=error"]),
    ("openrlhf", ["--reward.remote_url", "--data.label_key label", "--data.output_key output"]),
    ("trl", ["reward_funcs=[answer_reward]", "from lemmata.trl_reward import answer_reward"]),
])
def test_the_cli_prints_the_prompt_lengths_and_the_trainer_flags(batch_run, tmp_path, export_format, flags):
    env = {"PATH": "/usr/bin:/bin"}
    done = run_cli(["export", "--format", export_format, "--out", str(tmp_path), "--db", str(batch_run.db)],
                   env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = BATCH_PROBLEMS * BATCH_SAMPLES
    assert f"wrote {rows} {export_format} rows" in done.stdout
    assert f"prompt length over {rows} rows" in done.stdout
    calls = list(batch_run.store.db.query("select prompt_tokens from calls where role = 'reasoner'"))
    longest = max(call["prompt_tokens"] for call in calls)
    assert f"/ {longest:,}\n" in done.stdout  # the server-counted maximum closes its line
    for flag in flags:
        assert flag in done.stdout
    if export_format != "trl":
        module = {"verl": "verl_reward.py", "openrlhf": "openrlhf_reward.py"}[export_format]
        assert str(REPO / "lemmata" / module) in done.stdout


def test_the_cli_refuses_an_unknown_role(batch_run, tmp_path):
    done = run_cli(["export", "--format", "verl", "--roles", "reasoner,judge", "--out", str(tmp_path),
                    "--db", str(batch_run.db)], {"PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert done.returncode == 2 and "unknown role 'judge'" in done.stderr


def test_exported_rows_validate_as_records(batch_run, tmp_path):
    from pydantic import TypeAdapter

    lines = read_jsonl(export(batch_run.store, ExportFormat.OREAL_H, tmp_path / "o.jsonl").path)
    records = [TypeAdapter(ExportRecord).validate_python(line) for line in lines]
    assert sum(r.kind == "round" for r in records) == 2 * BATCH_PROBLEMS * BATCH_SAMPLES


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_the_cli_counts_prompt_tokens_with_a_given_tokenizer(batch_run, tmp_path):
    pytest.importorskip("transformers", reason="--tokenizer needs transformers: pip install transformers")
    from tests.export.tiny_model import build_tokenizer

    written = export(batch_run.store, ExportFormat.TRL, tmp_path / "t.jsonl")
    rows = read_jsonl(written.path)
    tokenizer = build_tokenizer([m["content"] for row in rows for m in row["prompt"]], tmp_path / "tok")
    templated = [tokenizer.apply_chat_template(row["prompt"], add_generation_prompt=True, tokenize=False)
                 for row in rows]
    longest = max(len(tokenizer(text, add_special_tokens=False)["input_ids"]) for text in templated)
    done = run_cli(["export", "--format", "trl", "--out", str(tmp_path / "cli.jsonl"), "--db", str(batch_run.db),
                    "--tokenizer", str(tmp_path / "tok")], {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.strip().startswith(f"tokens, {tmp_path / 'tok'}")]
    assert line.rstrip().endswith(f"/ {longest:,}")
    bad = run_cli(["export", "--format", "trl", "--out", str(tmp_path / "x.jsonl"), "--db", str(batch_run.db),
                   "--tokenizer", str(tmp_path / "missing")], {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
                  cwd=tmp_path)
    assert bad.returncode == 2 and "could not load tokenizer" in bad.stderr and "Traceback" not in bad.stderr
