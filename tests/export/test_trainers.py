"""Exports loaded by the trainers' own code on CPU (verl, TRL, OpenRLHF): run with `pytest -m trainers`.

Each test skips, saying what to install, when its trainer is not importable here.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

from lemmata.memory.export import export
from lemmata.memory.export_formats import ExportFormat
from tests.conftest import REPO
from tests.export.conftest import BATCH_PROBLEMS, BATCH_SAMPLES, batch_gold, scripted_right
from tests.export.tiny_model import build_model, build_tokenizer

pytestmark = pytest.mark.trainers
ROWS = BATCH_PROBLEMS * BATCH_SAMPLES


def require(module: str, install: str):
    """Import `module`, or skip naming the install command (some trainers fail to import with other errors)."""
    try:
        return importlib.import_module(module)
    except Exception as error:  # noqa: BLE001 - any import failure means "not usable here"
        pytest.skip(f"{module} is not usable here ({type(error).__name__}: {str(error)[:120]}); {install}")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def tokenizer_for(rows: list[dict], tmp_path: Path):
    texts = [message["content"] for row in rows for key in ("prompt", "input", "completion", "output")
             for message in row.get(key) or []]
    return build_tokenizer(texts, tmp_path / "tiny")


def test_verl_rlhf_dataset_loads_the_parquet_and_its_reward_loader_scores_every_row(batch_run, tmp_path):
    for module in ("verl.utils.dataset.rl_dataset", "verl.trainer.ppo.reward"):
        require(module, "pip install verl; hydra and omegaconf need antlr4-python3-runtime==4.9.3 (docs/export.md)")
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn
    from verl.utils.dataset.rl_dataset import RLHFDataset

    path = export(batch_run.store, ExportFormat.VERL, tmp_path / "train.parquet").path
    rows = pq.read_table(path).to_pylist()
    tokenizer = tokenizer_for(rows, tmp_path)
    lengths = [len(tokenizer(tokenizer.apply_chat_template(row["prompt"], add_generation_prompt=True, tokenize=False),
                             add_special_tokens=False)["input_ids"]) for row in rows]
    config = {"prompt_key": "prompt", "truncation": "error", "filter_overlong_prompts": True,
              "filter_overlong_prompts_workers": 1, "cache_dir": str(tmp_path / "cache")}
    dataset = RLHFDataset([str(path)], tokenizer, OmegaConf.create({**config, "max_prompt_length": 8192}))
    assert len(dataset) == ROWS
    # A max_prompt_length below the longest prompt drops the longer rows (truncation=error would stop).
    limit = max(lengths) - 1
    short = RLHFDataset([str(path)], tokenizer, OmegaConf.create({**config, "max_prompt_length": limit}))
    assert len(short) == sum(length <= limit for length in lengths) < ROWS

    reward = get_custom_reward_fn(OmegaConf.create({"reward": {"custom_reward_function": {
        "path": str(REPO / "lemmata" / "verl_reward.py"), "name": "compute_score"}}}))
    scores = []
    for index in range(len(dataset)):
        item = dataset[index]
        response = item["extra_info"]["response"]
        score = reward(data_source=item["data_source"], solution_str=response,
                       ground_truth=item["reward_model"]["ground_truth"], extra_info=item["extra_info"])
        assert score == scripted_right(response, item["reward_model"]["ground_truth"])
        scores.append(score)
    assert scores.count(1.0) == BATCH_PROBLEMS


def test_trl_grpo_trainer_hands_the_gold_solution_to_the_reward_function(batch_run, tmp_path):
    require("trl", "pip install trl (CPU torch: pip install torch==2.13.0)")
    from datasets import load_dataset
    from trl import GRPOConfig, GRPOTrainer

    from lemmata.trl_reward import answer_reward

    path = export(batch_run.store, ExportFormat.TRL, tmp_path / "trl.jsonl").path
    rows = read_jsonl(path)
    tokenizer = tokenizer_for(rows, tmp_path)
    model = build_model(tokenizer, tmp_path / "tiny")
    received: list[dict] = []

    def lemmata_answer(completions, solution, **kwargs):
        received.append({"solution": list(solution), "data_source": list(kwargs["data_source"])})
        return answer_reward(completions, solution, **kwargs)

    dataset = load_dataset("json", data_files=str(path), split="train")
    args = GRPOConfig(output_dir=str(tmp_path / "out"), use_cpu=True, per_device_train_batch_size=2,
                      num_generations=2, max_completion_length=4, max_steps=1, report_to=[], save_strategy="no",
                      logging_steps=1, bf16=False)
    trainer = GRPOTrainer(model=str(model), reward_funcs=[lemmata_answer], train_dataset=dataset, args=args,
                          processing_class=tokenizer)
    trainer.train()
    golds = {batch_gold(i) for i in range(BATCH_PROBLEMS)}
    assert received and all(set(call["solution"]) <= golds for call in received)
    assert all(source == "lemmata/set/reasoner" for call in received for source in call["data_source"])


def test_openrlhf_sft_dataset_loads_the_export(batch_run, tmp_path):
    require("openrlhf.datasets", "pip install --no-deps openrlhf")
    from datasets import load_dataset
    from openrlhf.datasets import SFTDataset

    path = export(batch_run.store, ExportFormat.OPENRLHF, tmp_path / "openrlhf.jsonl").path
    tokenizer = tokenizer_for(read_jsonl(path), tmp_path)
    # OpenRLHF reads its command-line arguments from `strategy.args`.
    args = SimpleNamespace(data=SimpleNamespace(input_key="input", output_key="output", apply_chat_template=True,
                                                tokenizer_chat_template=None))
    strategy = SimpleNamespace(args=args, is_rank_0=lambda: True)
    dataset = SFTDataset(load_dataset("json", data_files=str(path), split="train"), tokenizer, 8192, strategy,
                         num_processors=1)
    assert len(dataset) == ROWS
    assert all(response.strip() for response in dataset.responses)
