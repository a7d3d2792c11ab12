"""Fault soak: a batch of P problems x S samples against a scripted server that, at random
with a fixed seed, answers 429, 500, hangs past the client's idle timeout, truncates, sends
malformed JSON or empty choices, and goes away entirely for a while; the batch process is
SIGKILLed at K seeded moments and resumed each time. Afterwards it checks that every sample
is finished or failed with its cause, that no finished call was paid for twice (server
counts against the calls recorded), and that both databases pass PRAGMA integrity_check.

Then (issue 17) adversarial scenarios against a well-behaved server: the process exits at the
two fatal points (inside save_round(status="summarized"); after a lemma vote is stored, before
the verify checkpoint) and is resumed; two resumes of one run race; the store's size is capped
mid-batch (disk full) and the batch resumed; two datasets with the same ids share a store. They
count unverified lemmas, calls paid twice, recorded rows lost, cross-dataset contamination and
tracebacks (all must be 0), and run integrity_check after every phase.

    python -m bench.fault_soak [--problems 100 --samples 2 --seed 0 --kills 3] [--adversarial-only]

Prints the figures and writes bench/out/fault_soak.json; exits 1 if an invariant fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lemmata.engines.llm.result import hash_messages  # noqa: E402
from lemmata.engines.llm.scripted_server import Reply, ScriptedServer, _Listener  # noqa: E402

FINISHED = {"verified", "unverified", "no_solution"}
ROLES = ("reasoner", "summarizer", "verifier")
FAULTS = ("http429", "http500", "hang", "truncated", "malformed", "empty_choices")
"""Per-request faults; the outage (server gone) and doomed calls come on top."""

SUMMARY = r"""<lemma>
Lemma 1: If $n$ is an even integer then $n^2 \equiv 0 \pmod 4$.
Proof 1:
Step 1: Write $n = 2k$ with $k$ an integer.
Step 2: Then $n^2 = 4k^2 \equiv 0 \pmod 4$.
</lemma>
"""
PROBLEM_RE = re.compile(r"Soak problem (\d+):")


def solution(answer: str) -> str:
    return (f"## Verdict\ncomplete solution\n\n## Method sketch\nDirect computation.\n\n## Detailed solution\n"
            f"Adding zero changes nothing, so the value is \\boxed{{{answer}}}.\n\n"
            "## Conjectures\nnone")


@dataclass
class SoakSettings:
    problems: int = 100
    samples: int = 2
    seed: int = 0
    kills: int = 3
    concurrency: int = 16
    """Samples in flight in the batch process."""
    fault_rate: float = 0.30
    """Share of requests that get one of FAULTS (equally likely kinds)."""
    doomed_problems: int = 2
    """Problems whose reasoner always answers HTTP 500: their samples must end failed, with cause."""
    outage_s: float = 10.0
    latency_s: float = 0.05
    """Mean server time per normal request (uniform 0 .. 2x)."""
    idle_timeout: float = 2.0
    hang_s: float = 3.5
    """A hang: no response head for this long (past the idle timeout)."""
    max_retries: int = 10
    backoff_initial: float = 0.5
    backoff_max: float = 4.0
    lemma_votes: int = 2
    process_votes: int = 2
    phase_timeout_s: float = 900.0


class _Dropped(Exception):
    """The server went away while this request was waiting: drop the connection unanswered."""


class FaultServer(ScriptedServer):
    """The scripted server with seeded faults per request, an outage switch and paid-call books.

    The fault of a request depends only on (seed, role, messages hash, how many times these
    messages were sent before), so a given call meets the same faults whatever the scheduling.
    """

    def __init__(self, settings: SoakSettings, port: int = 0):
        self.settings = settings
        self.injected: Counter[str] = Counter()
        """Requests answered with each fault kind ("ok" for none; "doomed" for the doomed 500s)."""
        self.served_by_kind: Counter[str] = Counter()
        """Responses the server finished writing, per fault kind (what a server bills)."""
        self.useful_by_hash: Counter[tuple[str, str]] = Counter()
        """Finished usable completions (ok or truncated) per (role, messages hash)."""
        self.dropped_in_outage = 0
        self.outages: list[tuple[float, float]] = []
        self.active = 0
        self.down = False
        self.epoch = 0
        self._sent: Counter[tuple[str, str]] = Counter()
        self._local = threading.local()
        self._books = threading.Lock()
        rng = random.Random(f"{settings.seed}/doomed")
        self.doomed = set(rng.sample(range(settings.problems), min(settings.doomed_problems, settings.problems)))
        super().__init__({role: self._script(role) for role in ROLES}, port=port)
        self.port = self._httpd.server_address[1]
        self._quiet(self._httpd)

    @staticmethod
    def _quiet(listener: _Listener) -> None:
        """A killed client resets its keep-alive connections: not worth a traceback."""
        loud = listener.handle_error

        def handle_error(request, client_address) -> None:
            if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                loud(request, client_address)

        listener.handle_error = handle_error

    # -- books ------------------------------------------------------------------------

    @property
    def useful(self) -> int:
        with self._books:
            return self.served_by_kind["ok"] + self.served_by_kind["truncated"]

    def _script(self, role: str):
        def reply(body: dict) -> Reply:
            messages = body.get("messages", [])
            digest = hash_messages(messages)
            text = json.dumps(messages)
            found = PROBLEM_RE.search(text)
            index = int(found.group(1)) if found else -1
            with self._books:
                nth = self._sent[(role, digest)]
                self._sent[(role, digest)] += 1
            rng = random.Random(f"{self.settings.seed}/{role}/{digest}/{nth}")
            kind = "ok"
            if role == "reasoner" and index in self.doomed:
                kind = "doomed"
            elif rng.random() < self.settings.fault_rate:
                kind = rng.choice(FAULTS)
            with self._books:
                self.injected[kind] += 1
            self._local.kind, self._local.key = kind, (role, digest)
            content = {"reasoner": solution(str(index)), "summarizer": SUMMARY,
                       "verifier": "All steps check.\n\\box{STEP-1}"}[role]
            wait = self.settings.hang_s if kind == "hang" else rng.uniform(0, 2 * self.settings.latency_s)
            self._sleep(wait)
            if kind == "doomed" or kind == "http500":
                return Reply(status=500)
            if kind == "http429":
                return Reply(status=429, retry_after=round(rng.uniform(0.2, 1.0), 2))
            if kind == "truncated":
                return Reply(content[: len(content) // 2], finish_reason="length")
            if kind == "malformed":
                return Reply(malformed=True)
            if kind == "empty_choices":
                return Reply(empty_choices=True)
            return Reply(content)

        return reply

    def _sleep(self, seconds: float) -> None:
        epoch, until = self.epoch, time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            time.sleep(min(left, 0.05))
            if self.epoch != epoch:
                raise _Dropped
        if self.down:
            raise _Dropped

    def _handler_class(self):
        base = super()._handler_class()
        soak = self

        class Handler(base):
            def do_GET(self) -> None:
                if soak.down:
                    return self._drop()
                super().do_GET()

            def do_POST(self) -> None:
                if soak.down:
                    return self._drop()
                with soak._books:
                    soak.active += 1
                try:
                    super().do_POST()
                finally:
                    with soak._books:
                        soak.active -= 1

            def _answer(self, role: str, body: dict) -> None:
                soak._local.kind = soak._local.key = None
                try:
                    super()._answer(role, body)
                except _Dropped:
                    self._drop()

            def _paid(self, role: str) -> None:
                super()._paid(role)
                kind, key = soak._local.kind, soak._local.key
                with soak._books:
                    soak.served_by_kind[kind] += 1
                    if kind in ("ok", "truncated"):
                        soak.useful_by_hash[key] += 1

            def _drop(self) -> None:
                with soak._books:
                    soak.dropped_in_outage += 1
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        return Handler

    # -- outage -----------------------------------------------------------------------

    def go_away(self, seconds: float) -> None:
        """Close the listening socket (connections are refused), drop whatever is waiting,
        and listen again on the same port `seconds` later."""
        started = time.monotonic()
        self.down = True
        self.epoch += 1
        self._httpd.shutdown()
        self._httpd.server_close()
        time.sleep(seconds)
        self._httpd = _Listener(("127.0.0.1", self.port), self._handler_class())
        self._httpd.daemon_threads = True
        self._quiet(self._httpd)
        self.start()
        self.down = False
        self.outages.append((started, time.monotonic()))

    def settle(self, timeout: float) -> None:
        """Wait until no request is being served (the handlers of a killed client finish)."""
        deadline = time.monotonic() + timeout
        while self.active and time.monotonic() < deadline:
            time.sleep(0.02)


# -- the batch process ------------------------------------------------------------------


def write_inputs(directory: Path, settings: SoakSettings) -> None:
    rows = [{"id": f"p{i:03d}", "problem": f"Soak problem {i}: what is {i} plus zero?", "answer": str(i)}
            for i in range(settings.problems)]
    (directory / "set.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    (directory / "lemmata.toml").write_text(
        "[client]\n"
        f"idle_timeout = {settings.idle_timeout}\n"
        "total_timeout = 120\n"
        "connect_timeout = 2\n"
        f"max_retries = {settings.max_retries}\n"
        f"backoff_initial = {settings.backoff_initial}\n"
        f"backoff_max = {settings.backoff_max}\n"
        "\n[loop]\n"
        f"lemma_votes = {settings.lemma_votes}\n"
        f"process_votes = {settings.process_votes}\n"
    )


def batch_command(settings: SoakSettings, run_id: str | None) -> list[str]:
    head = [sys.executable, "-m", "lemmata.agent.cli.main", "batch"]
    if run_id:
        return [*head, "--resume", run_id, "--db", "runs.db"]
    return [*head, "set.jsonl", "--samples", str(settings.samples), "--concurrency", str(settings.concurrency),
            "--rounds", "1", "--revisions", "0", "--db", "runs.db"]


def _group_members(pgid: int) -> list[int]:
    """Live processes in a process group (the batch runs in its own session)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _db_figures(directory: Path) -> dict:
    connection = sqlite3.connect(directory / "runs.db", timeout=30)
    try:
        ok = connection.execute("select count(*) from calls where error is null").fetchone()[0]
        by_hash = Counter({(role, digest): count for role, digest, count in connection.execute(
            "select role, messages_hash, count(*) from calls where error is null group by role, messages_hash")})
        return {"ok": ok, "by_hash": by_hash}
    finally:
        connection.close()


def integrity(path: Path) -> str:
    if not path.exists():
        return "missing"
    connection = sqlite3.connect(path, timeout=30)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


@dataclass
class Phase:
    command: str
    seconds: float = 0.0
    exit_code: int | None = None
    killed: bool = False
    kill_at_useful: int | None = None
    useful_at_kill: int | None = None
    lost_at_kill: int = 0
    """Completions the server finished whose results died with the process."""
    stray_processes: int = 0
    """Processes of the killed batch's group still alive 1 s after the kill (then killed)."""
    integrity_runs: str = ""
    integrity_checkpoints: str = ""


@dataclass
class SoakResult:
    settings: dict
    phases: list[Phase] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def run_soak(settings: SoakSettings, directory: Path | None = None, log=print) -> SoakResult:
    directory = directory or Path(tempfile.mkdtemp(prefix="lemmata-fault-soak-"))
    write_inputs(directory, settings)
    rng = random.Random(f"{settings.seed}/moments")
    calls_per_sample = 1 + 1 + settings.lemma_votes + settings.process_votes
    expected = settings.problems * settings.samples * calls_per_sample
    kill_points = sorted(rng.sample(range(max(1, expected // 20), max(2, expected * 3 // 4)), settings.kills))
    outage_point = rng.randrange(max(1, expected // 5), max(2, expected * 3 // 5)) if settings.outage_s else None
    result = SoakResult(settings=asdict(settings))
    result.figures.update(directory=str(directory), kill_points=kill_points, outage_point=outage_point)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    server = FaultServer(settings).start()
    env.update(LEMMATA_BASE_URL=server.base_url, LEMMATA_MODEL="scripted", PYTHONPATH=str(REPO))
    log(f"fault soak in {directory}: {settings.problems} x {settings.samples}, seed {settings.seed}, "
        f"kills after {kill_points} usable completions, outage after {outage_point}")
    started = time.monotonic()
    outage_thread: threading.Thread | None = None
    run_id: str | None = None
    lost_total = 0
    try:
        pending_kills = list(kill_points)
        while True:
            phase = Phase(" ".join(batch_command(settings, run_id)[3:]))
            result.phases.append(phase)
            index = len(result.phases)
            with open(directory / f"phase{index}.out", "w") as out, open(directory / f"phase{index}.err", "w") as err:
                process = subprocess.Popen(batch_command(settings, run_id), cwd=directory, env=env, stdout=out,
                                           stderr=err, start_new_session=True)
                phase_started = time.monotonic()
                target = pending_kills[0] if pending_kills else None
                phase.kill_at_useful = target
                while process.poll() is None:
                    useful = server.useful
                    if outage_point is not None and outage_thread is None and useful >= outage_point:
                        outage_thread = threading.Thread(target=server.go_away, args=(settings.outage_s,), daemon=True)
                        outage_thread.start()
                        log(f"  server gone for {settings.outage_s:g}s after {useful} usable completions")
                    if target is not None and useful >= target:
                        os.kill(process.pid, signal.SIGKILL)
                        process.wait()
                        phase.killed, phase.useful_at_kill = True, useful
                        pending_kills.pop(0)
                        break
                    if time.monotonic() - phase_started > settings.phase_timeout_s:
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait()
                        result.failures.append(f"phase {index} ran past {settings.phase_timeout_s:g}s and was killed")
                        break
                    time.sleep(0.005)
                phase.exit_code = process.returncode
                phase.seconds = round(time.monotonic() - phase_started, 2)
            if phase.killed:
                time.sleep(1.0)
                strays = [pid for pid in _group_members(process.pid) if pid != process.pid]
                phase.stray_processes = len(strays)
                for pid in strays:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                server.settle(settings.hang_s + 2)
                books = _db_figures(directory)
                phase.lost_at_kill = server.useful - books["ok"] - lost_total
                lost_total += phase.lost_at_kill
            phase.integrity_runs = integrity(directory / "runs.db")
            phase.integrity_checkpoints = integrity(directory / "runs.checkpoints.db")
            log(f"  phase {index}: {phase.command[:40]}... {phase.seconds}s, "
                + (f"SIGKILL after {phase.useful_at_kill} usable completions, {phase.lost_at_kill} lost in flight, "
                   f"{phase.stray_processes} stray processes" if phase.killed else f"exit {phase.exit_code}"))
            if run_id is None:
                connection = sqlite3.connect(directory / "runs.db", timeout=30)
                try:
                    run_id = connection.execute("select id from runs order by created_at limit 1").fetchone()[0]
                finally:
                    connection.close()
            if not phase.killed:
                break
        if outage_thread is not None:
            outage_thread.join()
    finally:
        server.stop()
    wall = time.monotonic() - started
    _check(result, server, directory, run_id, settings, wall)
    return result


def _cause(error: str | None) -> str:
    if not error:
        return "(no cause recorded)"
    return re.sub(r"https?://[^\s,]+", "URL", error)


def _check(result: SoakResult, server: FaultServer, directory: Path, run_id: str, settings: SoakSettings,
           wall: float) -> None:
    failures = result.failures
    connection = sqlite3.connect(directory / "runs.db", timeout=30)
    connection.row_factory = sqlite3.Row
    try:
        samples = [dict(row) for row in connection.execute("select * from samples where run_id = ?", [run_id])]
        grades = {(row["problem_id"], row["sample"]): row["verdict"] for row in
                  connection.execute("select * from grades where run_id = ?", [run_id])}
        run = dict(connection.execute("select * from runs where id = ?", [run_id]).fetchone())
        duplicates = connection.execute(
            "select problem_id, json_extract(tags, '$.call_key') k, count(*) c from calls "
            "where run_id = ? and error is null group by problem_id, k having c > 1", [run_id]).fetchall()
        calls_total, calls_ok, calls_error, retries_recorded, truncated = connection.execute(
            "select count(*), sum(error is null), sum(error is not null), coalesce(sum(retries), 0), "
            "coalesce(sum(truncated), 0) from calls where run_id = ?", [run_id]).fetchone()
        parse_retries = connection.execute(
            "select count(*) from calls where run_id = ? and json_extract(tags, '$.call_key') like '%#retry%'",
            [run_id]).fetchone()[0]
        books = _db_figures(directory)
    finally:
        connection.close()

    expected = {(f"p{i:03d}", s) for i in range(settings.problems) for s in range(settings.samples)}
    seen = {(row["problem_id"], row["sample"]): row for row in samples}
    missing = expected - set(seen)
    if missing:
        failures.append(f"{len(missing)} samples never recorded, e.g. {sorted(missing)[:3]}")
    status = Counter(row["status"] for row in samples)
    unfinished = [key for key, row in seen.items() if row["status"] not in FINISHED | {"failed"}]
    if unfinished:
        failures.append(f"{len(unfinished)} samples neither finished nor failed: {sorted(unfinished)[:5]}")
    failed = [row for row in samples if row["status"] == "failed"]
    causeless = [row for row in failed if not (row["error"] or "").strip()]
    if causeless:
        failures.append(f"{len(causeless)} failed samples without a cause")
    causes = Counter(_cause(row["error"]) for row in failed)
    doomed_ids = {f"p{i:03d}" for i in server.doomed}
    wrongly_failed = [(row["problem_id"], row["sample"]) for row in failed if row["problem_id"] not in doomed_ids]
    ungraded = [key for key, row in seen.items() if row["status"] in FINISHED and key not in grades]
    if ungraded:
        failures.append(f"{len(ungraded)} finished samples without a grade: {sorted(ungraded)[:5]}")
    if duplicates:
        examples = [tuple(d) for d in duplicates[:3]]
        failures.append(f"{len(duplicates)} call keys finished more than once, e.g. {examples}")

    kills = [p for p in result.phases if p.killed]
    if len(kills) != settings.kills:
        failures.append(f"{len(kills)} kills made, {settings.kills} asked for (the batch ended first?)")
    last = result.phases[-1]
    if last.killed or last.exit_code != 0:
        failures.append(f"the last resume ended with exit code {last.exit_code}")
    if run["status"] != "finished":
        failures.append(f"run status is {run['status']}")

    useful = server.useful
    lost = sum(p.lost_at_kill for p in kills)
    in_flight_bound = settings.concurrency * max(settings.lemma_votes, settings.process_votes, 1)
    unexplained = useful - books["ok"] - lost
    if unexplained != 0:
        failures.append(f"{unexplained} usable completions the server finished are neither recorded nor lost at a kill")
    over = [p for p in kills if not 0 <= p.lost_at_kill <= in_flight_bound]
    if over:
        failures.append(f"completions lost at a kill outside 0..{in_flight_bound}: {[p.lost_at_kill for p in over]}")
    recorded_unpaid = [key for key, count in books["by_hash"].items() if count > server.useful_by_hash[key]]
    if recorded_unpaid:
        failures.append(f"{len(recorded_unpaid)} message sets recorded more often than the server completed them")
    if server.served_by_kind["hang"]:
        failures.append(f"{server.served_by_kind['hang']} hung replies were finished after the client left")

    integrity_results = {"runs.db": integrity(directory / "runs.db"),
                         "runs.checkpoints.db": integrity(directory / "runs.checkpoints.db")}
    for name, verdict in integrity_results.items():
        if verdict != "ok":
            failures.append(f"PRAGMA integrity_check of {name}: {verdict}")
    for index, phase in enumerate(result.phases, 1):
        if phase.integrity_runs != "ok" or phase.integrity_checkpoints != "ok":
            failures.append(f"integrity after phase {index}: runs {phase.integrity_runs}, "
                            f"checkpoints {phase.integrity_checkpoints}")

    requests = sum(server.counts.values())
    result.figures.update({
        "run_id": run_id,
        "wall_s": round(wall, 1),
        "samples": {"expected": len(expected), "finished": sum(status[s] for s in FINISHED),
                    "failed": status["failed"], "by_status": dict(status), "graded": len(grades),
                    "correct": sum(v == "correct" for v in grades.values())},
        "failed_causes": dict(causes),
        "failed_outside_doomed_problems": len(wrongly_failed),
        "doomed_problems": sorted(doomed_ids),
        "server": {
            "requests": requests, "requests_by_role": dict(server.counts),
            "faults_injected": {kind: server.injected[kind] for kind in ("ok", *FAULTS, "doomed")},
            "responses_finished_by_kind": dict(server.served_by_kind),
            "usable_completions_paid": useful,
            "requests_dropped_while_gone": server.dropped_in_outage,
            "outages": [round(end - start, 1) for start, end in server.outages],
        },
        "calls": {"recorded": calls_total, "recorded_ok": calls_ok, "recorded_failed": calls_error,
                  "truncated_recorded": truncated, "parse_retries": parse_retries,
                  "distinct_ok_call_keys": calls_ok - sum(d[2] - 1 for d in duplicates),
                  "duplicate_ok_call_keys": len(duplicates)},
        "paid_vs_recorded": {"usable_paid": useful, "recorded_ok": books["ok"], "lost_in_flight_at_kills": lost,
                             "lost_per_kill": [p.lost_at_kill for p in kills], "bound_per_kill": in_flight_bound,
                             "unexplained": unexplained},
        "retries": {"recorded_in_calls": retries_recorded, "server_requests_not_usable": requests - useful},
        "stray_processes_after_kills": [p.stray_processes for p in kills],
        "integrity": integrity_results,
    })


# -- adversarial scenarios (issue 17): fatal-point kills, concurrent resumes, a full disk,
# colliding datasets. Each runs the CLI against a well-behaved scripted server, so every count
# below is the product's doing, not a fault's.

LAUNCHER = r"""
import os, sys
from lemmata.memory import loop_records, store
from lemmata.memory.lemmas.library import LemmaLibrary
point, _, nth = os.environ.get("SOAK_EXIT_AT", "").partition(":")
hits = [0]
def _maybe_exit(kind):
    if kind == point:
        hits[0] += 1
        if hits[0] == int(nth):
            os._exit(137)
saved_round = loop_records.save_round
def save_round(*args, **fields):
    _maybe_exit(fields.get("status"))  # "summarized": lemmas stored, round and checkpoint not
    return saved_round(*args, **fields)
loop_records.save_round = save_round
saved_vote = LemmaLibrary.record_vote
def record_vote(self, *args, **kwargs):
    entry = saved_vote(self, *args, **kwargs)
    _maybe_exit("vote")  # some votes of a round stored, the verify step's checkpoint not
    return entry
LemmaLibrary.record_vote = record_vote
pages = os.environ.get("SOAK_MAX_PAGES")
if pages:
    opened = store.RunStore._open
    def capped(self, path):
        opened(self, path)
        self.db.execute(f"PRAGMA max_page_count = {pages}")
    store.RunStore._open = capped
from lemmata.agent.cli.main import cli
cli(sys.argv[1:], prog_name="lemmata")
"""


@dataclass
class Scenario:
    name: str
    phases: list[dict] = field(default_factory=list)
    """command, exit code, seconds, stderr's last line, integrity of both databases."""


def adversarial_script() -> dict:
    def reasoner(body: dict) -> Reply:
        text = json.dumps(body.get("messages", []))
        found = PROBLEM_RE.search(text)
        return Reply(solution(found.group(1) if found else "0"))

    return {"reasoner": reasoner, "summarizer": Reply(SUMMARY), "verifier": Reply("All steps check.\n\\box{STEP-1}")}


def _run(scenario: Scenario, directory: Path, env: dict, args: list[str], **extra: str) -> dict:
    err_path = directory / f"phase{sum(1 for _ in directory.glob('phase*.err'))}.err"
    with open(err_path, "w") as err:
        process = subprocess.Popen([sys.executable, "-c", LAUNCHER, *args], cwd=directory, env={**env, **extra},
                                   stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        code = process.wait(timeout=900)
    stderr = err_path.read_text()
    phase = {"command": " ".join(args), **{k: v for k, v in extra.items()}, "exit": code,
             "tracebacks": stderr.count("Traceback"), "last_line": (stderr.strip().splitlines() or [""])[-1][:200],
             "integrity": [integrity(directory / "runs.db"), integrity(directory / "runs.checkpoints.db")]}
    scenario.phases.append(phase)
    return phase


def _dataset(directory: Path, name: str, problems: int, offset: int) -> None:
    rows = [{"id": f"k{i}", "problem": f"Soak problem {i + offset}: what is {i + offset} plus zero?",
             "answer": str(i + offset)} for i in range(problems)]
    (directory / name).write_text("\n".join(json.dumps(row) for row in rows) + "\n")


def _latest_run(directory: Path) -> str:
    connection = sqlite3.connect(directory / "runs.db", timeout=30)
    try:
        return connection.execute("select id from runs order by created_at desc limit 1").fetchone()[0]
    finally:
        connection.close()


def run_adversarial(problems: int = 4, samples: int = 2, votes: int = 3, directory: Path | None = None,
                    log=print) -> dict:
    """Every scenario in its own store; returns the counts that must all be 0 and the phases."""
    root = directory or Path(tempfile.mkdtemp(prefix="lemmata-adversarial-"))
    server = ScriptedServer(adversarial_script()).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    env.update(LEMMATA_BASE_URL=server.base_url, LEMMATA_MODEL="scripted", PYTHONPATH=str(REPO))
    budgets = ["--rounds", "1", "--revisions", "0", "--votes", str(votes), "--db", "runs.db"]
    scenarios: list[Scenario] = []
    counts = Counter()
    try:
        for point in ("summarized", "vote"):
            scenario, folder = _scenario(scenarios, root, f"kill at {point}")
            _dataset(folder, "set.jsonl", problems, 0)
            start = ["batch", "set.jsonl", "--samples", str(samples), "--concurrency", "4", *budgets]
            _run(scenario, folder, env, start, SOAK_EXIT_AT=f"{point}:{problems}")
            run_id = _latest_run(folder)
            _run(scenario, folder, env, ["batch", "--resume", run_id, "--votes", str(votes), "--db", "runs.db"])
            counts["unverified_lemmas"] += _unverified(folder, votes)
            counts["votes_counted_twice"] += _query(folder, "select count(*) from lemmas where votes > ?", [votes])[0][0]
            counts["calls_paid_twice"] += _paid_twice(folder)

        scenario, folder = _scenario(scenarios, root, "concurrent resumes")
        _dataset(folder, "set.jsonl", problems, 0)
        _run(scenario, folder, env, ["batch", "set.jsonl", "--samples", str(samples), *budgets],
             SOAK_EXIT_AT=f"summarized:{problems}")
        run_id = _latest_run(folder)
        resume = ["batch", "--resume", run_id, "--votes", str(votes), "--db", "runs.db"]
        racers = [threading.Thread(target=_run, args=(scenario, folder, env, resume)) for _ in range(2)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        refused = sum(p["exit"] == 1 and "being executed by pid" in p["last_line"] for p in scenario.phases[1:])
        counts["calls_paid_twice"] += _paid_twice(folder)
        counts["unverified_lemmas"] += _unverified(folder, votes)
        if not all(p["exit"] == 0 for p in scenario.phases[1:]):
            _run(scenario, folder, env, resume)  # the refused one's turn, once the other is done
            counts["unverified_lemmas"] += _unverified(folder, votes)

        scenario, folder = _scenario(scenarios, root, "disk full")
        _dataset(folder, "set.jsonl", problems, 0)
        from lemmata.memory import RunStore

        RunStore(folder / "runs.db").close()
        pages = sqlite3.connect(folder / "runs.db").execute("pragma page_count").fetchone()[0]
        full = _run(scenario, folder, env, ["batch", "set.jsonl", "--samples", str(samples), *budgets],
                    SOAK_MAX_PAGES=str(pages + 8))
        counts["disk_full_not_one_line"] += int(full["exit"] != 1 or "disk full" not in full["last_line"])
        before = _call_ids(folder)
        run_id = _latest_run(folder)
        _run(scenario, folder, env, ["batch", "--resume", run_id, "--votes", str(votes), "--db", "runs.db"])
        counts["recorded_rows_lost"] += len(before - _call_ids(folder))
        counts["unverified_lemmas"] += _unverified(folder, votes)

        scenario, folder = _scenario(scenarios, root, "colliding datasets")
        _dataset(folder, "a.jsonl", problems, 0)
        _dataset(folder, "b.jsonl", problems, 500)
        _run(scenario, folder, env, ["batch", "a.jsonl", "--samples", str(samples), *budgets],
             SOAK_EXIT_AT="summarized:1")
        run_a = _latest_run(folder)
        _run(scenario, folder, env, ["batch", "b.jsonl", "--samples", str(samples), *budgets])
        _run(scenario, folder, env, ["batch", "--resume", run_a, "--votes", str(votes), "--db", "runs.db"])
        counts["cross_dataset_contamination"] += _contamination(folder, run_a, problems)
    finally:
        server.stop()
    phases = [phase for scenario in scenarios for phase in scenario.phases]
    counts["tracebacks"] = sum(phase["tracebacks"] for phase in phases)
    counts["integrity_failures"] = sum(verdict not in ("ok", "missing") for p in phases for verdict in p["integrity"])
    for scenario in scenarios:
        log(f"  {scenario.name}: exits {[p['exit'] for p in scenario.phases]}")
    return {"directory": str(root), "counts": dict(counts), "resumes_refused_by_the_lease": refused,
            "scenarios": {scenario.name: scenario.phases for scenario in scenarios}}


def _scenario(scenarios: list[Scenario], root: Path, name: str) -> tuple[Scenario, Path]:
    scenario = Scenario(name)
    scenarios.append(scenario)
    folder = root / name.replace(" ", "_")
    folder.mkdir()
    return scenario, folder


def _query(folder: Path, sql: str, args: list | None = None) -> list[tuple]:
    connection = sqlite3.connect(folder / "runs.db", timeout=30)
    try:
        return connection.execute(sql, args or []).fetchall()
    finally:
        connection.close()


def _unverified(folder: Path, votes: int) -> int:
    return _query(folder, "select count(*) from lemmas where votes < ?", [votes])[0][0]


def _paid_twice(folder: Path) -> int:
    return len(_query(folder, "select run_id, problem_id, json_extract(tags, '$.call_key') k from calls "
                              "where error is null group by run_id, problem_id, k having count(*) > 1"))


def _call_ids(folder: Path) -> set[int]:
    return {row[0] for row in _query(folder, "select id from calls")}


def _contamination(folder: Path, run_a: str, problems: int) -> int:
    """Calls of run A that carried dataset B's text, grades of A with B's gold, lemmas of A's
    problems written by B's run."""
    b_numbers = {str(500 + i) for i in range(problems)}
    calls = sum(any(f"Soak problem {n}:" in messages for n in b_numbers)
                for (messages,) in _query(folder, "select messages from calls where run_id = ?", [run_a]))
    grades = sum(gold in b_numbers for (gold,) in _query(folder, "select gold from grades where run_id = ?", [run_a]))
    a_problems = {row[0] for row in _query(folder, "select distinct problem_id from samples where run_id = ?", [run_a])}
    b_runs = {row[0] for row in _query(folder, "select id from runs where id != ?", [run_a])}
    lemmas = sum(problem in a_problems and run in b_runs
                 for problem, run in _query(folder, "select problem_id, run_id from lemmas"))
    return calls + grades + lemmas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=100)
    parser.add_argument("--samples", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the server is gone")
    parser.add_argument("--fault-rate", type=float, default=0.30)
    parser.add_argument("--doomed", type=int, default=2, help="problems whose reasoner always fails")
    parser.add_argument("--adversarial-only", action="store_true",
                        help="only the issue-17 scenarios: fatal-point kills, concurrent resumes, disk full, "
                             "colliding datasets")
    args = parser.parse_args()
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    adversarial = run_adversarial(problems=min(args.problems, 4), samples=args.samples)
    (out / "fault_soak_adversarial.json").write_text(json.dumps(adversarial, indent=2))
    print("adversarial counts (all should be 0):", json.dumps(adversarial["counts"]))
    if args.adversarial_only:
        sys.exit(1 if any(adversarial["counts"].values()) else 0)
    settings = SoakSettings(problems=args.problems, samples=args.samples, seed=args.seed, kills=args.kills,
                            concurrency=args.concurrency, outage_s=args.outage, fault_rate=args.fault_rate,
                            doomed_problems=args.doomed)
    result = run_soak(settings)
    summary = {"settings": result.settings, "figures": result.figures,
               "phases": [asdict(p) for p in result.phases], "failures": result.failures,
               "ok": not result.failures}
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "fault_soak.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary["figures"], indent=2))
    print("invariants:", "all hold" if not result.failures else "FAILED")
    for failure in result.failures:
        print("  -", failure)
    sys.exit(1 if result.failures else 0)


if __name__ == "__main__":
    main()
