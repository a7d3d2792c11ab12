"""An interactive session: one shot of the lemma loop, paused before every round so that a
person can steer it (hints, pins, rejections, own lemmas, budgets), saved and resumable."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


from lemmata.agent.config import Config, updated
from lemmata.agent.loop.events import LoopEvent
from lemmata.agent.loop.graph import ShotRun, ShotState, next_round, shot_records
from lemmata.agent.problems import Problem
from lemmata.agent.session.commands import CommandError, SessionCommand, SessionVerb, help_lines, parse_command
from lemmata.memory.checkpoints import open_checkpoints
from lemmata.agent.loop.solve import SolveResult, final_revision, select_result, shot_graph, shot_thread, stored_problem
from lemmata.engines.llm import LLMClient
from lemmata.memory import LemmaLibrary, RunStore
from lemmata.memory import loop_records as records
from lemmata.memory.run_index import run_command, session_rows
from lemmata.memory.statuses import RunStatus, ShotStatus
from lemmata.memory.lemmas.errors import LemmaMemoryError
from lemmata.memory.lemmas.library import LibraryEntry

SESSION_COMMAND = "session"
"""`runs.command` of interactive runs: how `lemmata sessions` finds them."""
SHOT = 0
"""A session works one shot."""
ROUND_NODES = ("reason", "summarize", "verify")
_DONE = {SessionVerb.PIN: "pinned", SessionVerb.UNPIN: "unpinned", SessionVerb.REJECT: "rejected"}


class SessionEnd(StrEnum):
    """How a session ended; also the run's status in the store (so the same words as RunStatus)."""

    FINISHED = RunStatus.FINISHED.value
    PAUSED = RunStatus.PAUSED.value
    """Saved by /save, end of input or Ctrl-C at the prompt: resumable."""
    QUIT = RunStatus.QUIT.value


class Steering(StrEnum):
    """What the person decided at the prompt."""

    CONTINUE = "continue"
    STOP = "stop"
    SAVE = "save"
    QUIT = "quit"


@dataclass(frozen=True)
class Pause:
    """What the person sees between rounds."""

    rounds_done: int
    next_round: int
    rounds: int
    """The round cap now."""
    lemma_votes: int
    tokens_used: int
    entries: list[LibraryEntry]
    """The library including rejected lemmas, in append order."""
    interrupted: bool
    """True after Ctrl-C during a round (the round continues on /continue)."""


@dataclass(frozen=True)
class SessionOutcome:
    run_id: str
    end: SessionEnd
    result: SolveResult | None
    """The selected solution when the session finished."""


class CommandSource(Protocol):
    def read(self) -> str | None:
        """The next typed line; None at the end of input (save and quit)."""


class SessionDisplay(Protocol):
    def on_event(self, event: LoopEvent) -> None: ...
    def on_tokens(self, shot: int, role: str, text: str, thinking: str) -> None: ...
    def working(self, pause: Callable[[], Pause]) -> AbstractContextManager[None]:
        """Shown while the models work: live when the terminal allows."""
    def show_pause(self, pause: Pause) -> None: ...
    def show_library(self, pause: Pause) -> None: ...
    def show_help(self, lines: list[str]) -> None: ...
    def info(self, text: str) -> None: ...
    def error(self, text: str) -> None: ...


class Session:
    """Drives the compiled loop from pause to pause and applies the person's commands."""

    def __init__(self, run: ShotRun, graph: Any, commands: CommandSource, display: SessionDisplay):
        self.run, self.graph, self.commands, self.display = run, graph, commands, display
        self.thread = shot_thread(run, SHOT)
        self.library = LemmaLibrary(run.store, run_id=run.run_id, problem_id=run.problem.id, shot=SHOT)

    async def drive(self) -> SessionEnd:
        """Run to the end of the shot, or until the person saves or quits."""
        await self._start_if_new()
        snapshot = await self.graph.aget_state(self.thread)
        # A session killed during a round reopens at the prompt too, not straight into work. That
        # includes a kill between a step's saved writes and its checkpoint, where `next` is empty
        # and no status is set yet (see lemmata.agent.loop.solve.run_shot).
        interrupted = snapshot.next != ("reason",) and not snapshot.values.get("status")
        while True:
            snapshot = await self.graph.aget_state(self.thread)
            if not snapshot.next and snapshot.values.get("status"):
                return SessionEnd.FINISHED
            # No `next` and no status: killed between a step's saved writes and the checkpoint
            # after them (see lemmata.agent.loop.solve.run_shot); invoking with None carries on from there.
            if snapshot.next == ("reason",) or interrupted:
                steering = await self._steer(snapshot, interrupted)
                if steering is Steering.SAVE:
                    return SessionEnd.PAUSED
                if steering is Steering.QUIT:
                    return SessionEnd.QUIT
            interrupted = not await self._work(self.graph.ainvoke(None, self.thread, durability="sync"))

    async def _start_if_new(self) -> None:
        snapshot = await self.graph.aget_state(self.thread)
        if snapshot.values:
            return
        shot_records(self.run, SHOT).save_sample(status=ShotStatus.RUNNING)
        self.run.on_event(LoopEvent("shot_started", self.run.problem.id, SHOT))
        # Runs to the interrupt before round 1: nothing is paid before the person says go.
        await self.graph.ainvoke({"shot": SHOT, "round": 0, "loop": 0, "started_at": time.time()}, self.thread,
                                durability="sync")

    async def _work(self, step, cut: str = "interrupted: the round continues on /continue") -> bool:
        """Await one stretch of model work; Ctrl-C cancels it (False, and `cut` is shown) and the
        prompt follows. Finished calls are stored, so the work picks up where it was cut."""
        task = asyncio.ensure_future(step)
        with ctrl_c_cancels(task), self.display.working(self._pause_now):
            await asyncio.wait({task})
        if task.cancelled():
            self.display.info(cut)
            return False
        task.result()
        return True

    async def _steer(self, snapshot, interrupted: bool) -> Steering:
        """Read commands until one ends the prompt; a bad one gets an error line, never a crash."""
        self.display.show_pause(self._pause(snapshot.values, interrupted))
        while True:
            line = self.commands.read()
            if line is None:
                return Steering.SAVE
            try:
                steering = await self._apply(parse_command(line), snapshot)
            except (CommandError, LemmaMemoryError) as error:
                self.display.error(str(error))
                continue
            if steering is Steering.STOP or (steering is Steering.CONTINUE and self._cap_reached(snapshot)):
                await self._request_stop(snapshot)
                return Steering.CONTINUE
            if steering is not None:
                return steering

    def _cap_reached(self, snapshot) -> bool:
        """The round cap lowered at the prompt below the next round: the rounds end here."""
        rounds = self.run.config.loop.rounds
        if snapshot.next == ("reason",) and next_round(snapshot.values) > rounds:
            self.display.info(f"the round cap ({rounds}) is reached: verifying the final solution")
            return True
        return False

    async def _apply(self, command: SessionCommand, snapshot) -> Steering | None:
        """Carry out one command; a Steering ends the prompt, None prompts again."""
        state: ShotState = snapshot.values
        match command.verb:
            case SessionVerb.CONTINUE | SessionVerb.STOP | SessionVerb.SAVE | SessionVerb.QUIT:
                return Steering(command.verb.value)
            case SessionVerb.HINT:
                run = self.run
                records.add_hint(run.store, run.run_id, run.problem.id, SHOT, next_round(state), command.text)
                self.display.info(f"hint noted for round {next_round(state)}")
            case SessionVerb.PIN | SessionVerb.UNPIN | SessionVerb.REJECT:
                entry = self._entry(command.lemma)
                getattr(self.library, command.verb.value)(entry.id)
                self.display.info(f"lemma {entry.number} {_DONE[command.verb]}")
            case SessionVerb.EDIT:
                entry = self.library.edit(self._entry(command.lemma).id, statement=command.text)
                self.display.info(f"lemma {entry.number} edited (version {entry.version}; "
                                  f"its votes restart: /verify {entry.number})")
            case SessionVerb.LEMMA:
                entry = self.library.add_user_lemma(command.text, round=state.get("round", 0))
                self.display.info(f"lemma {entry.number} added as yours")
            case SessionVerb.VERIFY:
                await self._reverify(self._entry(command.lemma), state)
            case SessionVerb.ROUNDS | SessionVerb.VOTES:
                key = "rounds" if command.verb is SessionVerb.ROUNDS else "lemma_votes"
                self.run.config = updated(self.run.config, "loop", **{key: command.count})
                save_budgets(self.run.store, self.run.run_id, self.run.config)
                self.display.info(f"{key.replace('_', ' ')}: {command.count}")
            case SessionVerb.LIBRARY:
                self.display.show_library(self._pause(state, False))
            case SessionVerb.HELP:
                self.display.show_help(help_lines())
        return None

    async def _reverify(self, entry: LibraryEntry, state: ShotState) -> None:
        verified = await self._work(self.run.reverify(SHOT, entry.id, next_round(state)),
                                    cut=f"interrupted: /verify {entry.number} again to finish its votes")
        if verified:
            entry = self.library.entry(entry.id)
            self.display.info(f"lemma {entry.number}: confidence {entry.confidence:.2f} "
                              f"({entry.passes}/{entry.votes} votes)" if entry.confidence is not None
                              else f"lemma {entry.number}: no vote could be read")

    async def _request_stop(self, snapshot) -> None:
        """End the rounds: the loop routes to final verification after the current round."""
        if snapshot.next == ("reason",):
            # Recorded as the verify node's output, so that the route after the round is taken again.
            await self.graph.aupdate_state(self.thread, {"stop_requested": True}, as_node="verify")
        elif set(snapshot.next) & set(ROUND_NODES):
            await self.graph.aupdate_state(self.thread, {"stop_requested": True})
        else:
            self.display.info("the final solution is already being verified")

    def _entry(self, number: str | None) -> LibraryEntry:
        for entry in self.library.entries(include_rejected=True):
            if entry.number == number:
                return entry
        raise CommandError(f"no lemma {number} in the library; /library shows the numbers")

    def _pause(self, state: ShotState, interrupted: bool) -> Pause:
        settings = self.run.config.loop
        return Pause(
            rounds_done=state.get("round", 0), next_round=next_round(state), rounds=settings.rounds,
            lemma_votes=settings.lemma_votes,
            tokens_used=records.shot_tokens(self.run.store, self.run.run_id, self.run.problem.id, SHOT),
            entries=self.library.entries(include_rejected=True), interrupted=interrupted)

    def _pause_now(self) -> Pause:
        """The live view's pull: budgets and library as stored right now."""
        return self._pause({"round": shot_records(self.run, SHOT).rounds_done()}, False)


async def run_session(problem: Problem, config: Config, store: RunStore, commands: CommandSource,
                      display: SessionDisplay, *, run_id: str | None = None,
                      on_run_started: Callable[[str], None] | None = None) -> SessionOutcome:
    """Start (or with `run_id`, reopen) an interactive session on `problem`."""
    config = updated(config, "loop", shots=1)
    if run_id is None:
        problem = stored_problem(store, problem)
        run_id = store.start_run(SESSION_COMMAND, config.masked())
    else:
        store.update_run(run_id, status=RunStatus.RUNNING)
    if on_run_started is not None:
        on_run_started(run_id)
    llm = LLMClient(config, on_call=store.record_call)
    run = ShotRun(problem, config, store, llm, run_id, display.on_event, display.on_tokens)
    try:
        async with open_checkpoints(config.store.path) as saver:
            graph = shot_graph(run, saver, pause_between_rounds=True)
            end = await Session(run, graph, commands, display).drive()
            final = (await graph.aget_state(shot_thread(run, SHOT))).values
    except Exception:
        store.finish_run(run_id, RunStatus.FAILED)
        raise
    except BaseException:  # killed or cancelled: every finished step is stored
        store.finish_run(run_id, SessionEnd.PAUSED)
        raise
    finally:
        await llm.aclose()
    if end is not SessionEnd.FINISHED:
        store.finish_run(run_id, end)
        return SessionOutcome(run_id, end, None)
    result = await _result(run, final.get("status", "unverified"))
    store.finish_run(run_id, end)
    return SessionOutcome(run_id, end, result)


async def _result(run: ShotRun, status: str) -> SolveResult:
    selection = await select_result(run, {SHOT: status})
    final = final_revision(run, SHOT) if selection is not None else None
    return SolveResult(run.run_id, run.problem.id, selection.answer if selection else None,
                       final["solution"] if final else None, status, SHOT if selection else None, {SHOT: status})


# -- budgets and listing ---------------------------------------------------------------------

SESSION_BUDGETS = ("rounds", "lemma_votes")


def save_budgets(store: RunStore, run_id: str, config: Config) -> None:
    """Write the budgets changed at the prompt into the run's stored config, for --resume."""
    store.update_run_config(run_id, "loop", {key: getattr(config.loop, key) for key in SESSION_BUDGETS})


def restore_budgets(store: RunStore, run_id: str, config: Config) -> Config:
    """`config` with the budgets a resumed session was saved with."""
    stored = json.loads(store.run(run_id)["config"]).get("loop", {})
    return updated(config, "loop", **{key: stored[key] for key in SESSION_BUDGETS if key in stored})


@dataclass(frozen=True)
class SessionSummary:
    """One row of `lemmata sessions`."""

    run_id: str
    problem: str
    """The problem text."""
    rounds_done: int
    lemmas: int
    """Lemmas in the library, rejected ones included."""
    status: str
    last_activity: str
    """ISO time of the latest call, finish or start."""


def list_sessions(store: RunStore) -> list[SessionSummary]:
    """Every interactive session in the store, the latest activity first."""
    return [SessionSummary(row.id, row.problem_text or "", row.rounds_done, row.lemmas, row.status, row.last_activity)
            for row in session_rows(store, SESSION_COMMAND)]


def is_session(store: RunStore, run_id: str) -> bool:
    return run_command(store, run_id) == SESSION_COMMAND


@contextlib.contextmanager
def ctrl_c_cancels(task: asyncio.Future, *signals: signal.Signals) -> Iterator[None]:
    """While the models work, Ctrl-C (or each of `signals`) cancels `task` instead of killing the process."""
    loop = asyncio.get_running_loop()
    handled = signals or (signal.SIGINT,)
    try:
        for number in handled:
            loop.add_signal_handler(number, task.cancel)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
        yield
        return
    try:
        yield
    finally:
        for number in handled:
            loop.remove_signal_handler(number)
