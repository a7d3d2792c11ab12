"""One shot of the lemma loop as a LangGraph StateGraph: reason -> summarize -> verify, rounds,
then verify-and-revise the final solution. Text lives in the run store; the state holds ids."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph

from lemmata import prompts
from lemmata.agent.config import Config
from lemmata.agent.loop.events import EventSink, LoopEvent, TokenSink
from lemmata.agent.loop.parsing import last_boxed
from lemmata.agent.problems import Problem
from lemmata.agent.loop.reference import reference_section
from lemmata.agent.loop.role_outputs import (
    OutputParseError,
    Verdict,
    parse_lemma_vote,
    parse_critique_check,
    parse_process_verdict,
    parse_reasoner,
    parse_summary,
    split_steps,
)
from lemmata.agent.loop.roles import Role
from lemmata.agent.loop.verifier_tools import MAX_TOOL_TURNS, compute_requests, results_message, run_requests, tool_menu
from lemmata.engines.answers.response import answer_section
from lemmata.engines.llm import CallResult, Choice, LLMClient
from lemmata.memory import LemmaLibrary, RunStore
from lemmata.memory import loop_records as records
from lemmata.memory import selection_records
from lemmata.memory.lemmas.format import format_lemma, step_number
from lemmata.memory.lemmas.records import VerifierVote
from lemmata.memory.shot_records import ShotRecords
from lemmata.memory.statuses import ConjectureStatus, RoundStatus, ShotStatus

log = logging.getLogger(__name__)


class ShotState(TypedDict, total=False):
    shot: int
    round: int
    verdict: str
    reasoner_call: int | None
    """Call id of the latest round's parsed reasoner answer."""
    candidate_call: int | None
    """Call id of the latest reasoner answer that had a detailed solution."""
    pending: list[int]
    """Lemma ids waiting for their verifier votes."""
    loop: int
    passed: bool
    status: str
    started_at: float
    stop_requested: bool
    """Set by an interactive session: end the rounds and go to final verification."""


def shot_records(run: Any, shot: int) -> ShotRecords:
    """The store's records of one shot of `run` (a ShotRun or any run with store, run_id and problem)."""
    return ShotRecords(run.store, run.run_id, run.problem.id, shot)


@dataclass
class ShotRun:
    """What the nodes of one problem's shots share: the problem, budgets, the store and the model."""

    problem: Problem
    config: Config
    store: RunStore
    llm: LLMClient
    run_id: str
    on_event: EventSink
    on_tokens: TokenSink | None = None

    @property
    def settings(self):
        return self.config.loop

    # -- model calls: idempotent by key, parsed, retried on garbled output -------------------

    async def call(self, role: Role, messages: list[dict], key: str, shot: int) -> tuple[CallResult, int]:
        """A model call made at most once per key and run: a finished one is read back."""
        on_token = None
        if self.on_tokens is not None:
            sink = self.on_tokens
            on_token = lambda index, text, thought: index == 0 and sink(shot, role.value, text, thought)  # noqa: E731
        stored = await shot_records(self, shot).call_once(self.llm, role, messages, key, on_token)
        return _call_result(stored), stored["id"]

    async def call_parsed(self, role: Role, messages: list[dict], key: str, shot: int, round: int,
                          parse: Callable[[str], Any]) -> tuple[Any, int | None, str | None]:
        """(parsed value, call id, None) or (None, last call id, why) once parse retries run out."""
        why, call_id = None, None
        for attempt in range(self.settings.parse_failures.retries + 1):
            attempt_key = key if attempt == 0 else f"{key}#retry{attempt}"
            result, call_id = await self.call(role, messages, attempt_key, shot)
            try:
                if result.truncated:
                    raise OutputParseError(f"truncated at {result.completion_tokens} tokens (max_tokens)")
                return parse(result.choices[0].text), call_id, None
            except OutputParseError as error:
                why = f"{role.value}: {error}"
                log.info("parse failure (%s), attempt %d", why, attempt + 1)
                self.on_event(LoopEvent("parse_failure", self.problem.id, shot, round, role.value, {"why": why}))
        return None, call_id, why

    def initial_state(self, shot: int) -> ShotState:
        if self.settings.reuse_lemmas:
            self.library(shot).seed_from_other_problems(self.problem.text, limit=self.settings.reuse_lemmas)
        return {"shot": shot, "round": 0, "loop": 0, "started_at": time.time()}

    def graph(self) -> StateGraph:
        return build_shot_graph(self)

    async def call_verifier(self, messages: list[dict], key: str, shot: int, round: int,
                            parse: Callable[[str], Any]) -> tuple[Any, int | None, str | None]:
        """A verifier call that may first ask for computations (at most MAX_TOOL_TURNS turns);
        the tool calls are recorded with the call whose verdict they supported."""
        conversation, used, requester = list(messages), [], None
        for turn in range(MAX_TOOL_TURNS + 1):
            asks_allowed = turn < MAX_TOOL_TURNS

            def verdict_or_requests(text: str) -> Any:
                try:
                    return parse(text)
                except OutputParseError:
                    requests = compute_requests(text) if asks_allowed else []
                    if not requests:
                        raise
                    return _ToolRequests(text, requests)

            turn_key = key if turn == 0 else f"{key}/tools{turn}"
            parsed, call_id, why = await self.call_parsed(Role.VERIFIER, conversation, turn_key, shot, round,
                                                          verdict_or_requests)
            if not isinstance(parsed, _ToolRequests):
                if used:
                    records.add_tool_calls(self.store, self.run_id, self.problem.id, shot, requester, call_id, used)
                return parsed, call_id, why
            results = await run_requests(parsed.requests)
            used.extend(results)
            requester = call_id
            conversation += [{"role": "assistant", "content": parsed.text}, results_message(results)]
        raise AssertionError("unreachable: the last turn may not ask for tools")

    def library(self, shot: int) -> LemmaLibrary:
        return LemmaLibrary(self.store, run_id=self.run_id, problem_id=self.problem.id, shot=shot)

    def open_conjectures(self, shot: int) -> str:
        """The reasoner's unproven lemmas, listed after the library and apart from it."""
        if not self.settings.conjectures:
            return ""
        rows = selection_records.conjectures(self.store, self.run_id, self.problem.id, shot, status=ConjectureStatus.OPEN)
        if not rows:
            return ""
        listed = "\n".join(f"- (round {row['round']}) {row['statement']}" for row in rows)
        return ("\n\n### Open conjectures (stated, NOT proved: never cite one as proven; proving one makes it a lemma) ###\n"
                + listed)

    def cited_lemmas(self, shot: int, solution: str) -> str:
        """The library lemmas a solution relies on, for its final verifier and its reviser."""
        return self.library(shot).render_cited(solution, self.settings.library_budget_tokens)

    # -- nodes ---------------------------------------------------------------------------

    async def reason(self, state: ShotState) -> ShotState:
        shot, round = state["shot"], state.get("round", 0) + 1
        self.on_event(LoopEvent("round_started", self.problem.id, shot, round))
        self.on_event(LoopEvent("role_started", self.problem.id, shot, round, Role.REASONER.value))
        messages = prompts.render(
            "reasoner", problem=self.problem.text,
            library=self.library(shot).render(self.settings.library_budget_tokens) + self.open_conjectures(shot),
            round_note=_round_note(round, self.settings.rounds,
                                   records.hints_for(self.store, self.run_id, self.problem.id, shot, round)),
        )
        parsed, call_id, why = await self.call_parsed(
            Role.REASONER, messages, f"s{shot}/r{round}/reason", shot, round, parse_reasoner)
        verdict = parsed.verdict.value if parsed else Verdict.PARTIAL.value
        records.save_round(self.store, self.run_id, self.problem.id, shot, round, verdict=verdict,
                           reasoner_call_id=call_id, parse_error=why, status=RoundStatus.REASONED)
        if parsed and self.settings.conjectures:
            selection_records.add_conjectures(self.store, self.run_id, self.problem.id, shot, round,
                                              parsed.conjectures, call_id)
        update: ShotState = {"round": round, "verdict": verdict, "reasoner_call": call_id if parsed else None}
        if parsed and parsed.solution:
            update["candidate_call"] = call_id
        return update

    async def summarize(self, state: ShotState) -> ShotState:
        shot, round = state["shot"], state["round"]
        if state.get("reasoner_call") is None:
            records.save_round(self.store, self.run_id, self.problem.id, shot, round, new_lemmas=0, status=RoundStatus.NO_REASONING)
            return {"pending": []}
        self.on_event(LoopEvent("role_started", self.problem.id, shot, round, Role.SUMMARIZER.value))
        library = self.library(shot)
        answer, thinking = records.call_text(self.store, state["reasoner_call"])
        next_number = library.next_number()
        numbers = {entry.number for entry in library.entries(include_rejected=True)}
        messages = prompts.render(
            "summarizer", problem=self.problem.text, next_number=str(next_number),
            library=library.render(self.settings.library_budget_tokens),
            reasoning=f"{thinking}\n\n{answer}".strip(),
        )
        drafts, call_id, why = await self.call_parsed(
            Role.SUMMARIZER, messages, f"s{shot}/r{round}/summarize", shot, round,
            lambda text: parse_summary(text, next_number, numbers))
        pending = []
        for draft in drafts or []:
            entry, is_new = library.add(draft, round=round)
            if is_new:
                self.on_event(LoopEvent("lemma_added", self.problem.id, shot, round, detail={
                    "id": entry.id, "number": entry.number, "statement": entry.statement}))
            # Stored before a kill, with the checkpoint after this step lost: it still needs votes.
            # Only the library that stored it: a lemma linked from another shot gets its votes there.
            if is_new or (entry.round == round and entry.votes < self.settings.lemma_votes
                          and library.stored_here(entry.id)):
                pending.append(entry.id)
        if self.settings.conjectures and pending:  # a proved conjecture becomes this lemma, which gets votes
            added = [(e.id, e.statement) for e in library.entries(include_rejected=True) if e.id in pending]
            selection_records.prove_conjectures(self.store, self.run_id, self.problem.id, shot, round, added)
        records.save_round(self.store, self.run_id, self.problem.id, shot, round, summarizer_call_id=call_id,
                           new_lemmas=len(pending), parse_error=why, status=RoundStatus.SUMMARIZED)
        return {"pending": pending}

    async def verify(self, state: ShotState) -> ShotState:
        shot, round, pending = state["shot"], state["round"], state.get("pending", [])
        if pending:
            self.on_event(LoopEvent("role_started", self.problem.id, shot, round, Role.VERIFIER.value))
        library = self.library(shot)
        entries = {entry.id: entry for entry in library.entries()}
        provided = library.render(self.settings.library_budget_tokens, exclude=set(pending))
        # Every new lemma is judged against the same provided library, so all votes run at once.
        await asyncio.gather(*[
            self.verify_lemma(library, entries[lemma_id], provided, shot, round, key=f"s{shot}/r{round}/verify/{lemma_id}")
            for lemma_id in pending
        ])
        records.save_round(self.store, self.run_id, self.problem.id, shot, round, status=RoundStatus.VERIFIED)
        self.on_event(LoopEvent("round_finished", self.problem.id, shot, round, detail={"new_lemmas": len(pending)}))
        return {"pending": []}

    async def verify_lemma(self, library: LemmaLibrary, entry, provided: str, shot: int, round: int, key: str):
        """n independent verifier votes on one lemma; each parsed vote is stored as it lands."""
        messages = prompts.render("lemma_verifier", problem=self.problem.text, library=provided,
                                  lemma=_lemma_for_verifier(entry), tools=tool_menu())
        votes = await asyncio.gather(*[
            self.call_verifier(messages, f"{key}/v{i}", shot, round, parse_lemma_vote)
            for i in range(self.settings.lemma_votes)
        ])
        counted = library.vote_call_ids(entry.id)  # read back after a resume: already recorded
        for vote, call_id, _ in votes:
            if vote is None or call_id in counted:
                continue
            if not vote.passed and vote.first_wrong_step is not None and await self.critique_refuted(
                    shot, round, f"lemma {entry.id}", _lemma_for_verifier(entry), f"Step {step_number(vote.first_wrong_step)}",
                    vote.explanation, call_id):
                continue  # a refuted critique is dropped: the lemma keeps the score of its other votes
            entry = library.record_vote(entry.id, VerifierVote(
                vote.first_wrong_step, vote.explanation, call_id, vote.format_error))
        self.on_event(LoopEvent("lemma_verified", self.problem.id, shot, round, detail={
            "id": entry.id, "number": entry.number, "confidence": entry.confidence}))
        return entry

    async def reverify(self, shot: int, lemma_id: int, round: int) -> object:
        """Verify a lemma again on a person's request: fresh votes are added to its record."""
        library = self.library(shot)
        entry = next(e for e in library.entries(include_rejected=True) if e.id == lemma_id)
        provided = library.render(self.settings.library_budget_tokens, exclude={lemma_id})
        return await self.verify_lemma(library, entry, provided, shot, round,
                                       key=f"s{shot}/reverify/{lemma_id}/after{entry.votes}")

    async def critique_refuted(self, shot: int, round: int, target: str, argument: str, first_wrong: str,
                               critique: str, verdict_call_id: int | None) -> bool:
        """With `meta_verify`: a checker call judges whether the reported first wrong step is
        really wrong; the check is recorded. An unreadable check upholds the critique."""
        if not self.settings.meta_verify:
            return False
        done = [c for c in selection_records.critique_checks(self.store, self.run_id, self.problem.id, shot, target)
                if c["verdict_call_id"] == verdict_call_id]
        if done:  # a resumed run: checked before the kill
            return not done[0]["upheld"]
        messages = prompts.render("critique_checker", problem=self.problem.text,
                                  reference=reference_section(self.problem, self.settings.reference_visible),
                                  argument=argument, first_wrong=first_wrong, critique=critique)
        parsed, call_id, why = await self.call_parsed(
            Role.VERIFIER, messages, f"s{shot}/check/{target}/{verdict_call_id}", shot, round, parse_critique_check)
        upheld, reason = parsed if parsed else (True, f"unreadable check, critique kept: {why}")
        selection_records.add_critique_check(self.store, self.run_id, self.problem.id, shot, target=target,
                                             verdict_call_id=verdict_call_id, first_wrong=first_wrong,
                                             upheld=int(upheld), reason=reason, call_id=call_id)
        return not upheld

    def after_round(self, state: ShotState) -> str:
        if state.get("stop_requested"):
            return "final_verify"
        if state.get("verdict") == Verdict.COMPLETE.value or state["round"] >= self.settings.rounds:
            return "final_verify"
        if self._over_budget(state):
            return "final_verify"
        return "reason"

    async def final_verify(self, state: ShotState) -> ShotState:
        shot, loop = state["shot"], state.get("loop", 0)
        current = records.revision(self.store, self.run_id, self.problem.id, shot, loop)
        if current is None:
            if state.get("candidate_call") is None:
                return {"status": ShotStatus.NO_SOLUTION.value, "passed": False}
            solution = parse_reasoner(records.call_text(self.store, state["candidate_call"])[0]).solution
            records.save_revision(self.store, self.run_id, self.problem.id, shot, loop, solution=solution,
                                  answer=last_boxed(answer_section(solution)), call_id=state["candidate_call"])
            current = records.revision(self.store, self.run_id, self.problem.id, shot, loop)
        self.on_event(LoopEvent("role_started", self.problem.id, shot, state["round"], "process verifier"))
        messages = prompts.render("process_verifier", problem=self.problem.text,
                                  reference=reference_section(self.problem, self.settings.reference_visible),
                                  lemmas=self.cited_lemmas(shot, current["solution"]),
                                  solution=split_steps(current["solution"]), tools=tool_menu())
        recorded = {row["call_id"] for row in records.verdicts(self.store, self.run_id, self.problem.id, shot, loop)}
        target = f"solution loop {loop}"

        async def vote(i: int) -> tuple[Any, int | None, str | None, bool]:
            """One recorded vote and whether it counts (a critique refuted by the checker does not)."""
            verdict, call_id, why = await self.call_verifier(
                messages, f"s{shot}/final/{loop}/v{i}", shot, state["round"], parse_process_verdict)
            if call_id not in recorded:  # else read back after a resume: its verdict row exists
                records.add_verdict(self.store, self.run_id, self.problem.id, shot, loop, call_id=call_id,
                                    first_wrong=verdict.first_wrong if verdict else None,
                                    passed=int(bool(verdict and verdict.passed)),
                                    explanation=verdict.explanation if verdict else why)
            refuted = bool(verdict and not verdict.passed) and await self.critique_refuted(
                shot, state["round"], target, split_steps(current["solution"]), verdict.first_wrong,
                verdict.explanation, call_id)
            return verdict, call_id, why, not refuted

        if self.settings.accept_after:
            # k passing votes in a row; the first counted failure ends the streak and sends it to revision
            results, streak, needed = [], 0, self.settings.accept_after
            while streak < needed and len(results) < 2 * needed:
                results.append(await vote(len(results)))
                verdict, _, _, counts = results[-1]
                if verdict is not None and verdict.passed:
                    streak += 1
                elif counts:
                    break
            kept = [r for r in results if r[3]]
            passes, passed = streak, streak >= needed
        else:
            results = await asyncio.gather(*[vote(i) for i in range(self.settings.process_votes)])
            kept = [r for r in results if r[3]]
            counted = [r[0] for r in kept if r[0] is not None]
            passes = sum(v.passed for v in counted)
            passed = bool(counted) and passes / len(kept) >= self.settings.process_pass_ratio
        records.save_revision(self.store, self.run_id, self.problem.id, shot, loop,
                              passes=passes, votes=len(kept), passed=int(passed))
        self.on_event(LoopEvent("final_verdict", self.problem.id, shot, state["round"], detail={
            "loop": loop, "passes": passes, "votes": len(kept), "passed": passed}))
        return {"passed": passed}

    def after_final_verify(self, state: ShotState) -> str:
        if state.get("status") == ShotStatus.NO_SOLUTION or state.get("passed"):
            return "conclude"
        if state.get("loop", 0) >= self.settings.revisions or self._over_budget(state):
            return "conclude"
        return "revise"

    async def revise(self, state: ShotState) -> ShotState:
        shot, loop = state["shot"], state.get("loop", 0)
        self.on_event(LoopEvent("role_started", self.problem.id, shot, state["round"], "reviser"))
        current = records.revision(self.store, self.run_id, self.problem.id, shot, loop)
        refuted = {check["verdict_call_id"] for check in selection_records.critique_checks(
            self.store, self.run_id, self.problem.id, shot, f"solution loop {loop}") if not check["upheld"]}
        comments = [row["explanation"] or "" for row in records.verdicts(self.store, self.run_id, self.problem.id, shot, loop)
                    if not row["passed"] and row["call_id"] not in refuted]
        messages = prompts.render("reviser", problem=self.problem.text,
                                  lemmas=self.cited_lemmas(shot, current["solution"]), solution=current["solution"],
                                  comments="\n\n---\n\n".join(comments) or "(none)")
        parsed, call_id, _ = await self.call_parsed(
            Role.REASONER, messages, f"s{shot}/final/{loop}/revise", shot, state["round"], parse_reasoner)
        # Garbage, or "I have not found a solution": the previous candidate and its answer stay.
        solution = parsed.solution if parsed and parsed.solution else current["solution"]
        records.save_revision(self.store, self.run_id, self.problem.id, shot, loop + 1, solution=solution,
                              answer=last_boxed(answer_section(solution)), call_id=call_id)
        self.on_event(LoopEvent("revised", self.problem.id, shot, state["round"], detail={"loop": loop + 1}))
        return {"loop": loop + 1}

    async def conclude(self, state: ShotState) -> ShotState:
        shot = state["shot"]
        # The checkpoint keeps the plain word: LangGraph would store an enum by its class path.
        status = state.get("status") or (ShotStatus.VERIFIED if state.get("passed") else ShotStatus.UNVERIFIED).value
        final = records.revision(self.store, self.run_id, self.problem.id, shot, state.get("loop", 0))
        self.store.save_sample(self.run_id, self.problem.id, shot, status=status,
                               answer=final["answer"] if final else None,
                               solution=final["solution"] if final else None,
                               finished_at=records.now())
        self.on_event(LoopEvent("shot_finished", self.problem.id, shot, state.get("round", 0),
                                detail={"status": status}))
        return {"status": status}

    def _over_budget(self, state: ShotState) -> bool:
        settings = self.settings
        if settings.time_budget_s and time.time() - state.get("started_at", time.time()) > settings.time_budget_s:
            return True
        if settings.token_budget:
            used = records.shot_tokens(self.store, self.run_id, self.problem.id, state["shot"])
            return used >= settings.token_budget
        return False


def next_round(state: ShotState) -> int:
    """The round the reasoner works on next, for hints given between rounds."""
    return state.get("round", 0) + 1


def build_shot_graph(run: ShotRun) -> StateGraph:
    graph = StateGraph(ShotState)
    for name in ("reason", "summarize", "verify", "final_verify", "revise", "conclude"):
        graph.add_node(name, getattr(run, name))
    graph.add_edge(START, "reason")
    graph.add_edge("reason", "summarize")
    graph.add_edge("summarize", "verify")
    graph.add_conditional_edges("verify", run.after_round, ["reason", "final_verify"])
    graph.add_conditional_edges("final_verify", run.after_final_verify, ["revise", "conclude"])
    graph.add_edge("revise", "final_verify")
    graph.add_edge("conclude", END)
    return graph


@dataclass(frozen=True)
class _ToolRequests:
    text: str
    requests: list[tuple[str, str]]


def _round_note(round: int, rounds: int, hints: list[str]) -> str:
    if round == 1:
        note = f"Round 1 of at most {rounds}. Work on the problem."
    else:
        note = (f"Round {round} of at most {rounds}. Build on the library: use its lemmas (mind their "
                f"confidence), repair the doubtful ones, and push further.")
    if hints:
        note += "\n\nHints from the mathematician working with you:\n" + "\n".join(f"- {hint}" for hint in hints)
    return note


def _lemma_for_verifier(entry) -> str:
    return format_lemma(entry.number, entry.statement, entry.steps)


def _call_result(row: dict) -> CallResult:
    return CallResult(
        role=row["role"], model=row["model"], endpoint=row["endpoint"], messages_hash=row["messages_hash"],
        choices=[Choice(**choice) for choice in json.loads(row["choices"])],
        prompt_tokens=row["prompt_tokens"], completion_tokens=row["completion_tokens"],
        latency_s=row["latency_s"], retries=row["retries"],
    )
