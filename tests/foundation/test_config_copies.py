"""Configuration is passed on as changed copies: flags, profiles and a session's budgets never
change the configuration a caller holds."""

from __future__ import annotations

from lemmata.agent.cli.grade_proof import apply_grading_options
from lemmata.agent.cli.solve import apply_loop_options
from lemmata.agent.config import load_config, updated
from lemmata.agent.evaluation.proof_grades import ProofScale
from lemmata.memory import RunStore


def test_a_changed_copy_leaves_the_original_as_it_was():
    config = load_config(environ={})
    changed = updated(config, "loop", rounds=3, shots=2)
    assert (changed.loop.rounds, changed.loop.shots) == (3, 2)
    assert (config.loop.rounds, config.loop.shots) == (8, 1)
    assert changed.grading is config.grading  # sections that did not change are shared, never edited


def test_loop_flags_and_a_profile_come_back_in_a_copy():
    config = load_config(environ={})
    changed = apply_loop_options(config, "competition", rounds=5, lemma_votes=None)
    assert (changed.profile, changed.loop.rounds, changed.loop.lemma_votes) == ("competition", 5, 8)
    assert (config.profile, config.loop.rounds, config.loop.lemma_votes) == ("default", 8, 4)


def test_grading_flags_come_back_in_a_copy():
    config = load_config(environ={})
    changed = apply_grading_options(config, 3, "0-7")
    assert (changed.grading.proof_graders, changed.grading.proof_scale) == (3, ProofScale("0-7"))
    assert config.grading == load_config(environ={}).grading


def test_a_session_restores_its_saved_budgets_into_a_copy(tmp_path):
    from lemmata.agent.session.runner import restore_budgets, save_budgets

    store = RunStore(tmp_path / "runs.db")
    config = load_config(environ={})
    run_id = store.start_run("solve -i", config.masked())
    save_budgets(store, run_id, updated(config, "loop", rounds=2, lemma_votes=1))
    restored = restore_budgets(store, run_id, config)
    assert (restored.loop.rounds, restored.loop.lemma_votes) == (2, 1)
    assert (config.loop.rounds, config.loop.lemma_votes) == (8, 4)
    store.close()
