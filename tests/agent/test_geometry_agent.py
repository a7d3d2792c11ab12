"""The geometry agent: a scripted model drives the engine through build / add / propose."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lemmata.agent.config import load_config
from lemmata.agent.problems import Problem, ProblemKind, problem_from_text
from lemmata.agent.loop.solve import solve_problem
from lemmata.memory import RunStore
from tests.conftest import run_cli
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply

IMO_2004_P1 = ("a b c = triangle a b c; o = midpoint o b c; m = on_circle m o b, on_line m a b; "
               "n = on_circle n o b, on_line n a c; r = angle_bisector r b a c, angle_bisector r m o n; "
               "o1 = circle o1 b m r; o2 = circle o2 c n r; p = on_circle p o1 r, on_circle p o2 r ? coll p b c")
PROSE = ("IMO 2004 Problem 1. In an acute triangle ABC with AB != AC, the circle with diameter BC meets AB and AC "
         "at M and N. Let O be the midpoint of BC. The bisectors of angles BAC and MON meet at R. Prove that "
         "the circumcircles of BMR and CNR have a common point on BC.")
WRONG_BUILD = IMO_2004_P1.replace("o = midpoint o b c", "o = midpt o b c")


def geometry_script() -> list[Reply]:
    return [
        Reply(f"Formalise the configuration.\n<build>{WRONG_BUILD}</build>"),
        Reply(f"The construction is called midpoint.\n<build>{IMO_2004_P1}</build>"),
        Reply("O is the centre of the circle through B, M, N, C.\n<propose>cong o b o c</propose>"),
        Reply("Let me think without acting."),                                   # malformed: resampled
        Reply("Check it again.\n<propose>cong o b o c</propose>"),              # a repeat: resampled
        Reply("Drop the perpendicular from B to AR.\n<add>x = foot x b a r</add>"),
        Reply("**Proof.** Let X be the foot of the perpendicular from B to AR. ... hence P lies on BC."),
    ]


def solve_geometry(server, tmp_path: Path, problem: Problem):
    config = load_config(overrides={"base_url": server.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    store = RunStore(config.store.path)
    return asyncio.run(solve_problem(problem, config, store)), store


def test_a_scripted_model_builds_adds_a_point_proposes_and_proves_imo_2004_p1(scripted, tmp_path):
    scripted.script["geometry"] = geometry_script()
    problem = Problem("imo-2004-p1", PROSE, kind=ProblemKind.GEOMETRY)
    result, store = solve_geometry(scripted, tmp_path, problem)

    assert result.status == "verified"
    steps = list(store.db["geometry_steps"].rows_where(order_by="step"))
    summary = [(s["action"], s["ok"], s["reward"]) for s in steps]
    assert summary == [("build", 0, 0.0), ("build", 1, 0.0), ("propose", 1, 1.0), ("add", 1, 1.0)]
    assert steps[-1]["goal_proved"] == 1
    assert "unknown construction 'midpt'" in steps[0]["feedback"]
    # the engine's complaint reached the model before it repaired the formalisation
    second_prompt = scripted.requests_for("geometry")[1]["messages"][-1]["content"]
    assert "unknown construction 'midpt'" in second_prompt
    # the malformed turn and the repeat were drawn again: 4 turns for step 4
    assert scripted.counts["geometry"] == 7
    assert "Auxiliary constructions:\nx = foot x b a r" in result.solution
    assert "Engine proof (re-checked)" in result.solution and "**Proof.**" in result.solution
    assert any(Path(tmp_path / "figures").glob("*.svg"))


def test_the_same_problem_is_not_proved_by_plain_deduction(scripted, tmp_path):
    scripted.script["geometry"] = [Reply("<propose>cong o b o c</propose>"), Reply("<propose>cong o m o n</propose>")]
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    config.geometry.max_steps = 3
    result = asyncio.run(solve_problem(problem_from_text(IMO_2004_P1), config, RunStore(config.store.path)))
    assert result.status == "unverified"


def test_a_formal_statement_is_routed_to_the_engine_and_solved_from_the_cli(scripted, model_env, tmp_path):
    scripted.script["geometry"] = Reply("**Proof.** By the engine's steps, H, G and O are collinear.")
    euler = ("a b c = triangle a b c; h = orthocenter a b c; h1 = foot a b c; h2 = foot b c a; h3 = foot c a b; "
             "g1 g2 g3 g = centroid g1 g2 g3 g a b c; o = circle a b c ? coll h g o")
    done = run_cli(["solve", euler, "--db", "runs.db"], model_env, tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout
    assert scripted.counts["geometry"] == 1  # only the write-up: the engine built and proved it alone
    assert scripted.counts["reasoner"] == 0


def test_an_engine_call_past_its_limit_is_killed_and_the_agent_carries_on(scripted, tmp_path, monkeypatch):
    import lemmata.engines.geometry.worker as worker
    from lemmata.engines.geometry.problem_sets import problem_set

    # The worker's CPU limit (engine timeout + margin) below the engine's own 0.2 s budget: the
    # build cannot stop itself in time, as a step that ignores the clock would not.
    monkeypatch.setattr(worker, "CALL_MARGIN_S", -0.15)
    heavy = problem_set("imo").read_text().splitlines()[3]
    small = "a b c = triangle a b c; o = circle o a b c; m = midpoint m b c ? perp o m b c"
    scripted.script["geometry"] = [Reply(f"<build>{heavy}</build>"), Reply(f"<build>{small}</build>"),
                                   Reply("**Proof.** OM is the perpendicular bisector of BC.")]
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    config.geometry.engine_timeout_s = 0.2
    problem = Problem("two-tries", "Prove that the circumcentre lies on the perpendicular bisector.", kind=ProblemKind.GEOMETRY)
    result = asyncio.run(solve_problem(problem, config, RunStore(config.store.path)))
    steps = list(RunStore(config.store.path).db["geometry_steps"].rows_where(order_by="step"))
    assert steps[0]["ok"] == 0 and "was stopped" in steps[0]["feedback"]
    assert steps[1]["ok"] == 1 and result.status == "verified"
