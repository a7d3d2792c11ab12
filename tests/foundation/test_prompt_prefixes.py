"""Prompts are prefix-cache friendly: what changes between a role's consecutive calls comes at
the end of the last message, so a server with prefix caching reuses the rest (issue 16 item 10)."""

from __future__ import annotations

import asyncio
import os

import pytest

from lemmata import prompts
from lemmata.agent.config import load_config
from lemmata.agent.problems import problem_from_text
from lemmata.agent.loop.solve import solve_problem
from lemmata.memory import RunStore
from tests.agent.loop_script import PROBLEM, three_round_script
from lemmata.engines.llm.scripted_server import MODEL_NAME

STABLE = {"problem", "reference", "guidelines", "scale", "tools", "max_steps"}
"""Fields that stay the same for every call a role makes on one problem."""
TEMPLATES = sorted(name.removesuffix(".txt") for name in os.listdir(os.path.dirname(prompts.__file__))
                   if name.endswith(".txt"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_only_the_tail_of_the_last_message_changes_between_calls(name):
    sections = prompts.template(name)
    changing = {field for field in prompts.fields(name) if field not in STABLE}
    assert not changing & set(prompts.FIELD.findall(sections.get("system", ""))), name
    user = sections["user"]
    first_changing = min((user.index("{{" + field + "}}") for field in changing), default=len(user))
    assert set(prompts.FIELD.findall(user[:first_changing])) <= STABLE, name


def _common_prefix(first: str, second: str) -> int:
    return len(os.path.commonprefix([first, second]))


def test_consecutive_prompts_of_each_role_share_everything_before_their_changing_tail(scripted, tmp_path):
    scripted.script.update(three_round_script())
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    config.loop.rounds = 3
    asyncio.run(solve_problem(problem_from_text(PROBLEM), config, RunStore(config.store.path)))
    # where each template's per-round part begins in its last message
    tails = {"You are the reasoner of Lemmata, an olympiad": "### Lemma library ###",
             "You are the summarizer": "### Provided lemmas ###",
             "You are the verifier of Lemmata. You check the proof of ONE": "### Provided lemmas ###"}
    for system, marker in tails.items():
        requests = [body["messages"] for body in scripted.requests
                    if body["messages"][0]["content"].startswith(system)]
        assert len(requests) >= 2, system
        for earlier, later in zip(requests, requests[1:]):
            assert earlier[:-1] == later[:-1], system  # every message before the last is identical
            shared = _common_prefix(earlier[-1]["content"], later[-1]["content"])
            assert shared >= later[-1]["content"].index(marker) + len(marker), system
