"""A recorded scripted run exported in every format and loaded back the way each trainer loads it."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pydantic import TypeAdapter

from lemmata.agent.config import load_config
from lemmata.agent.problems import problem_from_text
from lemmata.agent.loop.solve import solve_problem
from lemmata.memory import RunStore
from lemmata.memory.export import (
    AdvantageSettings,
    ExportError,
    ExportFilter,
    Redactor,
    export,
    export_records,
)
from lemmata.memory.export_formats import ROW_BUILDERS, ExportFormat
from lemmata.memory.export_records import ExportRecord, export_schema
from lemmata.memory.rewards import conjugate_reward
from tests.conftest import REPO, SENTINEL_KEY, complete_solution, run_cli
from tests.export.conftest import GOLD, RecordedRun
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply

CHAT_ROLES = {"system", "user", "assistant"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def copy_store(recorded: RecordedRun, tmp_path: Path) -> RunStore:
    """A private copy of the recorded store, for tests that change it."""
    target = tmp_path / "copy.db"
    with sqlite3.connect(recorded.db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return RunStore(target)


def assert_well_formed(messages: list[dict]) -> None:
    assert messages and all(set(m) == {"role", "content"} for m in messages)
    assert all(m["role"] in CHAT_ROLES and isinstance(m["content"], str) and m["content"] for m in messages)


# oreal-h ---------------------------------------------------------------------------------


def test_oreal_h_records_hold_the_exact_calls_lemmas_votes_and_outcome(recorded, tmp_path):
    written = export(recorded.store, ExportFormat.OREAL_H, tmp_path / "out.jsonl")
    lines = read_jsonl(written.path)
    records = [TypeAdapter(ExportRecord).validate_python(line) for line in lines]
    assert [r.kind for r in records] == ["lemma_graph"] + ["round"] * 4

    rounds = [r for r in records if r.kind == "round"]
    assert [(r.round, r.meta_action.value) for r in rounds] == [
        (1, "reason"), (1, "summarize"), (2, "reason"), (2, "summarize")]
    for record in rounds:
        call = recorded.store.db["calls"].get(record.call_id)
        assert record.messages == json.loads(call["messages"])
        assert record.completion == json.loads(call["choices"])[0]["text"]
        assert record.prompt_tokens == call["prompt_tokens"] and record.completion_tokens == call["completion_tokens"]
    assert rounds[0].reasoning == "Try parity."

    first = rounds[0]
    assert [(l.number, l.passes, l.votes) for l in first.lemmas] == [("1", 4, 4), ("2", 0, 4)]
    assert first.lemmas[1].cites == [first.lemmas[0].id]
    assert first.new_lemma and not rounds[2].new_lemma
    assert first.outcome.grade == "correct" and first.outcome.answer == GOLD
    assert (first.outcome.process_passes, first.outcome.process_votes) == (4, 4)
    assert first.outcome.terminal_reward == conjugate_reward(4, 4)


def test_the_graph_backs_up_values_and_the_rounds_carry_advantages(recorded):
    graph, *rounds = export_records(recorded.store, settings=AdvantageSettings(gamma=1.0, step_weight=0.1))
    values = {node.number: node.value for node in graph.nodes}
    [terminal] = graph.terminals
    terminal_reward = conjugate_reward(4, 4)
    # The revised solution says "By Lemma 1": lemma 1 leads to the conclusion and to lemma 2, a dead end.
    assert terminal.cited_by_solution and terminal.predecessors == [rounds[0].lemmas[0].id]
    assert values["2"] == 0.0
    assert values["1"] == pytest.approx((terminal_reward + 0.0) / 2)
    r1 = 0.1 * (conjugate_reward(4, 4) + conjugate_reward(0, 4)) / 2
    assert rounds[0].immediate_reward == pytest.approx(r1)
    assert rounds[0].advantage == pytest.approx(r1 + values["1"] - 0.0)
    assert rounds[2].advantage == 0.0 and rounds[3].advantage == 0.0


def test_the_schema_describes_every_record_kind():
    schema = export_schema()
    kinds = {definition["properties"]["kind"]["const"] for definition in schema["$defs"].values()
             if "kind" in definition.get("properties", {})}
    assert kinds == {"round", "lemma_graph", "geometry_step", "pipeline"}
    advantage = schema["$defs"]["RoundRecord"]["properties"]["advantage"]
    assert "C_t = 0" in advantage["description"]


# trainer formats ---------------------------------------------------------------------------


def test_verl_parquet_has_the_columns_verl_reads(recorded, tmp_path):
    written = export(recorded.store, ExportFormat.VERL, tmp_path)
    assert written.path == tmp_path / "lemmata-verl.parquet"
    table = pq.read_table(written.path)
    assert {"prompt", "data_source", "ability", "reward_model", "extra_info"} <= set(table.column_names)
    rows = table.to_pylist()
    assert len(rows) == written.rows == 2  # the two reasoner calls: summarizer rows are left out by default
    for index, row in enumerate(rows):
        assert_well_formed(row["prompt"])
        assert row["data_source"] == "lemmata/residues/reasoner"
        assert row["reward_model"] == {"style": "rule", "ground_truth": GOLD}
        assert row["extra_info"]["index"] == index and row["extra_info"]["split"] == "train"
        assert row["extra_info"]["role"] == "reasoner" and row["extra_info"]["reference_visible"] is False
        assert 0.0 <= row["extra_info"]["reward"] <= 1.0
    assert rows[0]["extra_info"]["response"].startswith("<think>\nTry parity.\n</think>\n\n## Verdict")


def test_openrlhf_rows_hold_a_chat_input_an_output_of_the_same_shape_and_a_label(recorded, tmp_path):
    rows = read_jsonl(export(recorded.store, ExportFormat.OPENRLHF, tmp_path / "o.jsonl").path)
    assert len(rows) == 2
    for row in rows:
        assert_well_formed(row["input"])
        assert_well_formed(row["output"])
        assert [m["role"] for m in row["output"]] == ["assistant"]
        assert row["label"] == GOLD and row["datasource"] == "lemmata/residues/reasoner"
        assert 0.0 <= row["reward"] <= 1.0


def test_trl_rows_are_conversational_prompt_completion_with_the_gold_solution(recorded, tmp_path):
    rows = read_jsonl(export(recorded.store, ExportFormat.TRL, tmp_path / "t.jsonl").path)
    assert len(rows) == 2
    for row in rows:
        assert_well_formed(row["prompt"])
        assert_well_formed(row["completion"])
        assert [m["role"] for m in row["completion"]] == ["assistant"]
        assert row["prompt"][-1]["role"] == "user"
        assert row["solution"] == GOLD and row["problem_kind"] == "answer"
        assert 0.0 <= row["reward"] <= 1.0 and isinstance(row["advantage"], float)


def test_sharegpt_conversations_alternate_into_the_models_answer(recorded, tmp_path):
    rows = read_jsonl(export(recorded.store, ExportFormat.SHAREGPT, tmp_path / "s.jsonl").path)
    assert len(rows) == 4  # SFT data: reasoner and summarizer calls
    for row in rows:
        speakers = [turn["from"] for turn in row["conversations"]]
        assert speakers == ["system", "human", "gpt"]
        assert all(isinstance(turn["value"], str) and turn["value"] for turn in row["conversations"])


# filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, kept", [
    ("outcome=correct", 4), ("outcome=incorrect", 0), ("outcome=verified", 4), ("min_confidence=1", 4),
    ("dataset=residues", 4), ("dataset=other", 0), ("run=nosuchrun", 0), ("", 4),
])
def test_filters_select_shots_by_outcome_confidence_dataset_and_run(recorded, text, kept):
    records = list(export_records(recorded.store, ExportFilter.parse(text)))
    assert sum(r.kind == "round" for r in records) == kept


def test_a_filter_changes_which_records_are_written_not_their_rewards(recorded, tmp_path):
    store = copy_store(recorded, tmp_path)
    with store.transaction() as db:
        db.execute("update grades set verdict = 'incorrect'")
    rounds = [r for r in export_records(store, ExportFilter.parse("outcome=incorrect")) if r.kind == "round"]
    assert len(rounds) == 4 and all(r.outcome.terminal_reward == 0.0 for r in rounds)
    store.close()


@pytest.mark.parametrize("text, message", [
    ("outcome=maybe", "choose one of correct, incorrect, verified"),
    ("min_confidence=2", "between 0 and 1"),
    ("colour=red", "unknown filter key 'colour'"),
    ("outcome", "not KEY=VALUE"),
])
def test_a_bad_filter_says_what_is_accepted(text, message):
    with pytest.raises(ExportError, match=message):
        ExportFilter.parse(text)


# geometry ----------------------------------------------------------------------------------


def test_geometry_steps_are_exported_when_the_store_has_them(recorded, tmp_path):
    assert not [r for r in export_records(recorded.store) if r.kind == "geometry_step"]
    store = copy_store(recorded, tmp_path)
    with store.transaction() as db:
        db["geometry_steps"].insert_all([
            {"run_id": "g1", "problem_id": "geo", "shot": 0, "step": 1, "action": "add", "reward": 1.0,
             "action_text": "e = midpoint e a b", "ok": 1},
            {"run_id": "g1", "problem_id": "geo", "shot": 0, "step": 2, "action": "propose", "reward": 0.0,
             "action_text": "cong e a e b", "ok": 0},
        ])
    steps = [r for r in export_records(store) if r.kind == "geometry_step"]
    assert [(s.step, s.action, s.step_reward) for s in steps] == [(1, "add", 1.0), (2, "propose", 0.0)]
    assert steps[0].detail["action_text"] == "e = midpoint e a b"
    store.close()


# secrets -----------------------------------------------------------------------------------


def test_no_export_contains_the_api_key(recorded, tmp_path, monkeypatch):
    monkeypatch.setenv("LEMMATA_API_KEY", SENTINEL_KEY)
    assert recorded.config.defaults.api_key.get_secret_value() == SENTINEL_KEY
    for export_format in ExportFormat:
        written = export(recorded.store, export_format, tmp_path)
        assert SENTINEL_KEY.encode() not in written.path.read_bytes()
        if export_format is ExportFormat.VERL:
            assert SENTINEL_KEY not in json.dumps(pq.read_table(written.path).to_pylist())


def test_a_key_that_leaked_into_a_stored_prompt_is_redacted(recorded, tmp_path):
    store = copy_store(recorded, tmp_path)
    with store.transaction() as db:
        db.execute("update calls set messages = replace(messages, 'Round 1 of', ?)", [f"key {SENTINEL_KEY} Round 1 of"])
    redactor = Redactor.from_environment([SENTINEL_KEY], environ={})
    for export_format in ExportFormat:
        written = export(store, export_format, tmp_path, redactor=redactor)
        text = json.dumps(pq.read_table(written.path).to_pylist()) if export_format is ExportFormat.VERL \
            else written.path.read_text(encoding="utf-8")
        assert SENTINEL_KEY not in text and "[redacted]" in text
    # Key-shaped strings go even when the key itself is unknown.
    assert Redactor().text(f"header: {SENTINEL_KEY}") == "header: [redacted]"
    store.close()


# CLI ---------------------------------------------------------------------------------------


def test_the_cli_exports_a_run_that_loads_back(recorded, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LEMMATA_API_KEY": SENTINEL_KEY}
    out = tmp_path / "verl"
    out.mkdir()
    done = run_cli(["export", recorded.result.run_id, "--format", "verl", "--out", str(out), "--db", str(recorded.db),
                    "--filter", "outcome=correct,min_confidence=0.75"], env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 verl rows" in done.stdout
    assert pq.read_table(out / "lemmata-verl.parquet").num_rows == 2


def test_the_cli_prints_the_schema_and_refuses_a_bad_filter(recorded, tmp_path):
    env = {"PATH": "/usr/bin:/bin"}
    schema = run_cli(["export", "--schema"], env, cwd=tmp_path)
    assert schema.returncode == 0 and json.loads(schema.stdout)["$defs"]["RoundRecord"]
    bad = run_cli(["export", "--out", str(tmp_path / "x.jsonl"), "--db", str(recorded.db), "--filter", "outcome=maybe"],
                  env, cwd=tmp_path)
    assert bad.returncode == 2 and "choose one of" in bad.stderr
    unknown = run_cli(["export", "nosuchrun", "--out", str(tmp_path / "x.jsonl"), "--db", str(recorded.db)],
                      env, cwd=tmp_path)
    assert unknown.returncode == 1 and "no run 'nosuchrun'" in unknown.stderr
    missing = run_cli(["export", "--out", str(tmp_path / "x.jsonl"), "--db", str(tmp_path / "none.db")], env, cwd=tmp_path)
    assert missing.returncode == 1 and "no run store" in missing.stderr


def test_the_docs_show_a_valid_sample_row_for_every_format(recorded):
    text = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    samples: dict[str, list[dict]] = {}
    for section in re.split(r"^### `--format ", text, flags=re.M)[1:]:
        name = section.split("`", 1)[0]
        samples[name] = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", section, flags=re.S)]
    assert set(samples) == {f.value for f in ExportFormat} and all(samples.values())
    for sample in samples[ExportFormat.OREAL_H]:
        TypeAdapter(ExportRecord).validate_python(sample)
    [record] = [r for r in export_records(recorded.store) if r.kind == "round"][:1]
    for export_format, build in ROW_BUILDERS.items():
        assert set(samples[export_format][0]) == set(build(record, 0)), export_format


# several shots -------------------------------------------------------------------------------

LEMMA = """<lemma>
**Lemma 1:** If $n$ is an even integer then $n^2 \\equiv 0 \\pmod 4$.
**Proof 1:**
* **Step 1:** Write $n = 2k$ with $k$ an integer.
* **Step 2:** Then $n^2 = 4k^2 \\equiv 0 \\pmod 4$.
</lemma>"""


def test_shots_sharing_a_lemma_share_one_node_valued_over_both_outcomes(scripted, tmp_path):
    scripted.script.update({
        "reasoner": lambda body: Reply(complete_solution(
            f"By Lemma 1 the answer is \\boxed{{{5 if scripted.counts['reasoner'] % 2 else 7}}}.")),
        "summarizer": Reply(LEMMA),
        "verifier": Reply("All steps check.\n\\box{STEP-1}"),
    })
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    config.loop.shots, config.loop.rounds, config.loop.revisions = 2, 1, 0
    store = RunStore(config.store.path)
    result = asyncio.run(solve_problem(problem_from_text("Find x.", answer="5"), config, store))
    with store.transaction() as db:
        for sample in store.samples(result.run_id):
            db["grades"].insert({"run_id": result.run_id, "problem_id": result.problem_id, "sample": sample["sample"],
                                 "verdict": "correct" if sample["answer"] == "5" else "incorrect"})

    graph, *rounds = export_records(store)
    [node] = graph.nodes
    assert node.occurrences == 2 and (node.passes, node.votes) == (4, 4)
    assert sorted(t.reward for t in graph.terminals) == [0.0, conjugate_reward(4, 4)]
    assert node.value == pytest.approx(conjugate_reward(4, 4) / 2)
    reasons = [r for r in rounds if r.meta_action == "reason"]
    assert len(reasons) == 2 and all(r.new_lemma and r.lemmas[0].id == node.id for r in reasons)
    assert sorted(r.lemmas[0].first_stored for r in reasons) == [False, True]

    [kept] = [r for r in export_records(store, ExportFilter.parse("outcome=correct")) if r.kind == "round"
              and r.meta_action == "reason"]
    assert kept.outcome.answer == "5" and kept.lemmas[0].value == node.value
    store.close()


def test_an_out_path_without_a_suffix_is_a_directory(recorded, tmp_path):
    written = export(recorded.store, ExportFormat.TRL, tmp_path / "fresh")
    assert written.path == tmp_path / "fresh" / "lemmata-trl.jsonl" and written.rows == 2
