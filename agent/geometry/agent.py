"""The geometry agent: a model drives the symbolic engine with <build>/<add>/<propose> actions
(InternGeometry's loop) as a LangGraph graph; every step and its reward lands in the store."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph

from lemmata import prompts
from lemmata.agent.config import Config
from lemmata.agent.geometry.actions import Action, ActionKind, check_action, parse_action
from lemmata.agent.loop.events import EventSink
from lemmata.agent.loop.graph import ShotRun, ShotStatus
from lemmata.agent.loop.role_outputs import OutputParseError
from lemmata.agent.loop.roles import Role
from lemmata.agent.loop.settings import LoopSettings
from lemmata.agent.problems import Problem
from lemmata.engines.geometry.worker import GeometryWorkerError, SessionWorker
from lemmata.engines.geometry.errors import GeometryError
from lemmata.engines.geometry.language import parse_problem
from lemmata.memory import RunStore
from lemmata.memory import loop_records as records
from lemmata.memory.problem_identity import file_name, inside


MAX_THOUGHT_CHARS = 8000
"""The end of a step's thought kept in geometry_steps (reasoning can run to tens of thousands)."""


class GeometryState(TypedDict, total=False):
    shot: int
    step: int
    proved: bool
    build_failures: int
    status: str


def is_formal_statement(text: str) -> bool:
    try:
        parse_problem(text.strip(), "check")
    except GeometryError:
        return False
    return True


@dataclass
class GeometryRun:
    """A shot of the geometry agent; the engine session lives in memory and is rebuilt from the
    recorded steps after a resume. The problem, store and model calls are those of `calls`, the
    lemma loop's run, so a call is made once per key and read back after a resume in both."""

    calls: ShotRun
    sessions: dict[int, SessionWorker] = field(default_factory=dict)

    @property
    def problem(self) -> Problem:
        return self.calls.problem

    @property
    def config(self) -> Config:
        return self.calls.config

    @property
    def store(self) -> RunStore:
        return self.calls.store

    @property
    def run_id(self) -> str:
        return self.calls.run_id

    @property
    def on_event(self) -> EventSink:
        return self.calls.on_event

    @property
    def settings(self) -> LoopSettings:
        return self.calls.settings

    async def call_parsed(self, role: Role, messages: list[dict], key: str, shot: int, round: int,
                          parse: Callable[[str], Any]) -> tuple[Any, int | None, str | None]:
        """A model call parsed by `parse` (the shot selectors call this too); see `ShotRun.call_parsed`."""
        return await self.calls.call_parsed(role, messages, key, shot, round, parse)

    def initial_state(self, shot: int) -> GeometryState:
        return {"shot": shot, "step": 0, "build_failures": 0}

    def graph(self) -> StateGraph:
        return build_geometry_graph(self)

    @property
    def agent(self):
        return self.config.geometry

    async def act(self, state: GeometryState) -> GeometryState:
        shot, step = state["shot"], state.get("step", 0) + 1
        session = await self._session(shot)
        steps = records.geometry_steps(self.store, self.run_id, self.problem.id, shot)
        if not session.built and is_formal_statement(self.problem.text):
            action, call_id = Action(ActionKind.BUILD, " ".join(self.problem.text.split()), "(given formally)"), None
        else:
            action, call_id, why = await self._next_action(shot, step, steps, built=session.built)
            if action is None:
                records.save_geometry_step(self.store, self.run_id, self.problem.id, shot, step, action="invalid",
                                           ok=0, feedback=why, goal_proved=0, reward=0.0, call_id=call_id)
                return {"step": step}
        try:
            status = await asyncio.to_thread(self._run, session, action)
        except GeometryWorkerError as error:  # killed past its limit, or crashed: rebuilt next step
            self.sessions.pop(shot, None)
            records.save_geometry_step(self.store, self.run_id, self.problem.id, shot, step, thought=action.thought,
                                       action=action.kind.value, action_text=action.text, ok=0,
                                       feedback=f"engine error: {error}", goal_proved=0, reward=0.0, call_id=call_id)
            return {"step": step}
        proved = status.goal_proved
        feedback = status.message + ("\n" + "\n".join(status.new_facts) if status.new_facts else "")
        reward = 1.0 if action.kind == ActionKind.PROPOSE and status.ok else 0.0
        records.save_geometry_step(self.store, self.run_id, self.problem.id, shot, step, thought=action.thought,
                                   action=action.kind.value, action_text=action.text, ok=int(status.ok),
                                   feedback=feedback, goal_proved=int(proved), reward=reward, call_id=call_id)
        failures = state.get("build_failures", 0) + (action.kind == ActionKind.BUILD and not status.ok)
        return {"step": step, "proved": proved, "build_failures": failures}

    def after_act(self, state: GeometryState) -> str:
        if state.get("proved") or state["step"] >= self.agent.max_steps:
            return "finish"
        if state.get("build_failures", 0) >= self.agent.formalisation_attempts:
            return "finish"
        return "act"

    async def finish(self, state: GeometryState) -> GeometryState:
        shot = state["shot"]
        session = await self._session(shot)
        if not state.get("proved"):
            status = (ShotStatus.UNVERIFIED if session.built else ShotStatus.NO_SOLUTION).value  # a plain word in checkpoints
            self._close(shot)
            self.store.save_sample(self.run_id, self.problem.id, shot, status=status, finished_at=records.now())
            return {"status": status}
        engine_proof = await asyncio.to_thread(session.proof_text)
        self._reward_used_constructions(shot, engine_proof, session)
        auxiliary = "\n".join(f"{s['action_text']}" for s in records.geometry_steps(
            self.store, self.run_id, self.problem.id, shot) if s["action"] == "add" and s["ok"]) or "(none)"
        formal = next(s["action_text"] for s in reversed(records.geometry_steps(
            self.store, self.run_id, self.problem.id, shot)) if s["action"] == "build" and s["ok"])
        messages = prompts.render("geometry_writeup", problem=self.problem.text,
                                  formal=formal, auxiliary=auxiliary, proof=engine_proof)
        writeup, _, _ = await self.call_parsed(Role.GEOMETRY, messages, f"s{shot}/writeup", shot, state["step"],
                                               lambda text: text.strip() or _empty())
        folder = Path(self.config.store.path).parent / "figures"
        figure = inside(folder, file_name(self.run_id, self.problem.id, f"s{shot}", suffix=".svg"))
        figure.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(session.figure, figure)
        self._close(shot)
        solution = f"{writeup or ''}\n\nAuxiliary constructions:\n{auxiliary}\n\nEngine proof (re-checked):\n{engine_proof}"
        self.store.save_sample(self.run_id, self.problem.id, shot, status=ShotStatus.VERIFIED,
                               solution=solution.strip(), finished_at=records.now())
        return {"status": ShotStatus.VERIFIED.value}

    # -- helpers --------------------------------------------------------------------------

    async def _next_action(self, shot: int, step: int, steps: list[dict], *, built: bool):
        earlier = [Action(ActionKind(s["action"]), s["action_text"], "") for s in steps
                   if s["action"] in ActionKind.__members__.values() and s["action_text"]]
        messages = prompts.render("geometry", problem=self.problem.text, history=_history(steps, self.agent),
                                  feedback=steps[-1]["feedback"] if steps else "(nothing yet: start with <build>)",
                                  step=str(step), max_steps=str(self.agent.max_steps))

        def checked(text: str) -> Action:
            action = parse_action(text)
            check_action(action, earlier, built=built, max_same_kind_run=self.agent.max_same_kind_run)
            return action

        why, call_id = None, None
        for attempt in range(self.agent.resamples + 1):
            key = f"s{shot}/g{step}" + (f"#resample{attempt}" if attempt else "")
            result, call_id = await self.calls.call(Role.GEOMETRY, messages, key, shot)
            try:
                if result.truncated:
                    raise OutputParseError("truncated (max_tokens)")
                action = checked(result.choices[0].text)
                return _with_reasoning(action, result.choices[0].reasoning), call_id, None
            except OutputParseError as error:
                why = f"geometry: {error}"
        return None, call_id, why

    def _run(self, session: SessionWorker, action: Action):
        match action.kind:
            case ActionKind.BUILD:
                return session.build(action.text, name=self.problem.id)
            case ActionKind.ADD:
                return session.add(action.text)
            case ActionKind.PROPOSE:
                return session.propose(action.text)

    async def _session(self, shot: int) -> SessionWorker:
        """The shot's engine worker; after a resume or a killed worker, rebuilt by replaying the
        recorded successful actions."""
        if shot not in self.sessions:
            session = await asyncio.to_thread(SessionWorker, seed=shot, timeout=self.agent.engine_timeout_s)
            for step in records.geometry_steps(self.store, self.run_id, self.problem.id, shot):
                if step["ok"] and step["action"] in ActionKind.__members__.values():
                    await asyncio.to_thread(self._run, session, Action(ActionKind(step["action"]), step["action_text"], ""))
            self.sessions[shot] = session
        return self.sessions[shot]

    def _close(self, shot: int) -> None:
        session = self.sessions.pop(shot, None)
        if session is not None:
            session.close()

    def _reward_used_constructions(self, shot: int, proof: str, session: SessionWorker) -> None:
        """Step reward for an auxiliary construction: 1 when its point appears in the final proof."""
        words = set(proof.replace(",", " ").replace("(", " ").replace(")", " ").split())
        for step in records.geometry_steps(self.store, self.run_id, self.problem.id, shot):
            if step["action"] == "add" and step["ok"]:
                new_points = step["action_text"].split("=")[0].split()
                if any(point in words for point in new_points):
                    records.save_geometry_step(self.store, self.run_id, self.problem.id, shot, step["step"], reward=1.0)


def build_geometry_graph(run: GeometryRun) -> StateGraph:
    graph = StateGraph(GeometryState)
    graph.add_node("act", run.act)
    graph.add_node("finish", run.finish)
    graph.add_edge(START, "act")
    graph.add_conditional_edges("act", run.after_act, ["act", "finish"])
    graph.add_edge("finish", END)
    return graph


def _history(steps: list[dict], settings) -> str:
    """Older exchanges compressed to their action and status line; the newest kept whole."""
    if not steps:
        return "(none)"
    older = steps[: -settings.history_steps_verbatim] if len(steps) > settings.history_steps_verbatim else []
    lines = [f"{s['step']}. <{s['action']}>{s['action_text'] or ''}</{s['action']}> -> "
             f"{(s['feedback'] or '').splitlines()[0] if s['feedback'] else ''}" for s in older]
    for s in steps[len(older):]:
        lines.append(f"{s['step']}. <{s['action']}>{s['action_text'] or ''}</{s['action']}> (feedback below)")
    return "\n".join(lines)


def _with_reasoning(action: Action, reasoning: str) -> Action:
    """The step's thought: the model's reasoning (sent apart when vLLM runs a reasoning parser)
    followed by what it wrote before its action."""
    thought = "\n\n".join(part for part in (reasoning.strip(), action.thought) if part)
    return dataclasses.replace(action, thought=thought[-MAX_THOUGHT_CHARS:])


def _empty():
    raise OutputParseError("the write-up is empty")
