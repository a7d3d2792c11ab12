"""The run store's schema as named migrations; a released migration is never edited."""

from sqlite_migrate import Migrations
from sqlite_utils import Database

from lemmata.memory.problem_identity import content_hash

migrations = Migrations("lemmata")


@migrations()
def m001_problems_runs_calls(db: Database) -> None:
    db["problems"].create(
        {"id": str, "text": str, "answer": str, "kind": str, "source": str, "created_at": str},
        pk="id",
    )
    db["runs"].create(
        {"id": str, "created_at": str, "finished_at": str, "status": str, "command": str,
         "config": str, "note": str},
        pk="id",
    )
    db["calls"].create(
        {"id": int, "run_id": str, "problem_id": str, "role": str, "model": str, "endpoint": str,
         "messages_hash": str, "messages": str, "n": int, "choices": str, "truncated": int,
         "prompt_tokens": int, "completion_tokens": int, "latency_s": float, "retries": int,
         "error": str, "tags": str, "created_at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("problem_id", "problems", "id")],
    )
    db["calls"].create_index(["run_id", "problem_id"])
    db["samples"].create(
        {"id": int, "run_id": str, "problem_id": str, "sample": int, "status": str,
         "answer": str, "solution": str, "error": str, "created_at": str, "finished_at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("problem_id", "problems", "id")],
    )
    db["samples"].create_index(["run_id", "problem_id", "sample"], unique=True)


@migrations()
def m002_rounds_revisions_verdicts(db: Database) -> None:
    """The loop's records: one row per round, per final-verification vote, per revision."""
    db["rounds"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "round": int, "verdict": str,
         "reasoner_call_id": int, "summarizer_call_id": int, "new_lemmas": int, "parse_error": str,
         "status": str, "created_at": str},
        pk="id",
    )
    db["rounds"].create_index(["run_id", "problem_id", "shot", "round"], unique=True)
    db["revisions"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "loop": int, "solution": str,
         "answer": str, "call_id": int, "passes": int, "votes": int, "passed": int, "created_at": str},
        pk="id",
    )
    db["revisions"].create_index(["run_id", "problem_id", "shot", "loop"], unique=True)
    db["verdicts"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "loop": int, "call_id": int,
         "first_wrong": str, "passed": int, "explanation": str, "created_at": str},
        pk="id",
    )
    db["verdicts"].create_index(["run_id", "problem_id", "shot", "loop"])
    db["selections"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "method": str, "answer": str,
         "score": float, "created_at": str},
        pk="id",
    )


@migrations()
def m003_lemmas(db: Database) -> None:
    """The lemma memory: lemmas per problem, the libraries holding them, edges, votes, edits."""
    db["lemmas"].create(
        {"id": int, "problem_id": str, "run_id": str, "shot": int, "round": int, "number": str,
         "fixed_of": int, "statement": str, "steps": str, "step_citations": str, "cites": str,
         "proven": int, "confidence": float, "passes": int, "votes": int, "statement_hash": str,
         "origin": str, "status": str, "version": int, "supersedes": int, "superseded_by": int,
         "imported_from": int, "created_at": str},
        pk="id",
        not_null={"problem_id", "statement", "statement_hash", "origin", "status"},
        defaults={"passes": 0, "votes": 0, "proven": 1, "version": 1, "steps": "[]",
                  "step_citations": "[]", "cites": "[]"},
    )
    db["lemmas"].create_index(["problem_id", "statement_hash"])
    db["lemmas"].enable_fts(["statement"], create_triggers=True, tokenize="porter")
    # One row per (run, shot) library holding a lemma, with the number that library gave it.
    db["lemma_uses"].create(
        {"id": int, "lemma_id": int, "run_id": str, "problem_id": str, "shot": int, "number": str,
         "round": int, "cites": str, "created_at": str},
        pk="id", not_null={"lemma_id", "run_id", "problem_id", "shot", "number"},
        foreign_keys=[("lemma_id", "lemmas", "id")],
    )
    db["lemma_uses"].create_index(["run_id", "problem_id", "shot", "lemma_id"], unique=True)
    db["lemma_uses"].create_index(["run_id", "problem_id", "shot", "number"], unique=True)
    db["lemma_uses"].create_index(["lemma_id"])
    # lemma_id cites cited_id: in the graph, cited_id -> lemma_id (derived from it).
    db["lemma_edges"].create(
        {"lemma_id": int, "cited_id": int, "run_id": str, "shot": int, "created_at": str},
        pk=("lemma_id", "cited_id"),
        foreign_keys=[("lemma_id", "lemmas", "id"), ("cited_id", "lemmas", "id")],
    )
    db["lemma_edges"].create_index(["cited_id"])
    db["lemma_votes"].create(
        {"id": int, "lemma_id": int, "run_id": str, "shot": int, "call_id": int,
         "first_wrong_step": int, "format_error": int, "passed": int, "explanation": str,
         "created_at": str},
        pk="id", not_null={"lemma_id"}, foreign_keys=[("lemma_id", "lemmas", "id")],
    )
    db["lemma_votes"].create_index(["lemma_id"])
    db["lemma_edits"].create(
        {"id": int, "lemma_id": int, "new_lemma_id": int, "action": str, "run_id": str,
         "problem_id": str, "shot": int, "detail": str, "created_at": str},
        pk="id", not_null={"lemma_id", "action"}, foreign_keys=[("lemma_id", "lemmas", "id")],
    )
    db["lemma_edits"].create_index(["lemma_id"])


@migrations()
def m004_lemma_use_renumbering(db: Database) -> None:
    """A linked lemma's proof says "Lemma N" in its first library's numbering; each use keeps the
    rewrite into its own numbering, fixed when linked so the rendered prefix stays byte-stable."""
    db["lemma_uses"].add_column("renumbering", str)


@migrations()
def m005_grades(db: Database) -> None:
    """One grade per sample: the final answer against the gold one, and how it was decided."""
    db["grades"].create(
        {"id": int, "run_id": str, "problem_id": str, "sample": int, "verdict": str, "decided_by": str,
         "reason": str, "extracted": str, "gold": str, "seconds": float, "created_at": str},
        pk="id",
    )
    db["grades"].create_index(["run_id", "problem_id", "sample"], unique=True)


@migrations()
def m006_hints(db: Database) -> None:
    """Hints a person gives the reasoner in an interactive session, for a given round."""
    db["hints"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "round": int, "text": str, "created_at": str},
        pk="id",
    )
    db["hints"].create_index(["run_id", "problem_id", "shot", "round"])


@migrations()
def m007_geometry_steps(db: Database) -> None:
    """One row per geometry-agent step: thought, action, engine feedback, step reward."""
    db["geometry_steps"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "step": int, "thought": str,
         "action": str, "action_text": str, "ok": int, "feedback": str, "goal_proved": int,
         "reward": float, "call_id": int, "created_at": str},
        pk="id",
    )
    db["geometry_steps"].create_index(["run_id", "problem_id", "shot", "step"], unique=True)


@migrations()
def m008_tool_calls(db: Database) -> None:
    """Computations a verifier asked for, linked to the call whose verdict they supported."""
    db["tool_calls"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "requested_by_call_id": int,
         "verdict_call_id": int, "tool": str, "input": str, "output": str, "status": str, "seconds": float,
         "created_at": str},
        pk="id",
    )
    db["tool_calls"].create_index(["run_id", "verdict_call_id"])


@migrations()
def m_i15_proof_grades(db: Database) -> None:
    """Proof grades on the 0-7 scale (one per graded proof, with every grader's score), and the
    reference material of proof problems, which only the grader reads."""
    db["proof_grades"].create(
        {"id": int, "run_id": str, "problem_id": str, "sample": int, "status": str, "score": int,
         "max_score": int, "mode": str, "grader_scores": str, "spread": int, "credited": str,
         "first_fatal_error": str, "reason": str, "parse_failures": int, "call_ids": str, "created_at": str},
        pk="id",
    )
    db["proof_grades"].create_index(["run_id", "problem_id", "sample"], unique=True)
    db["proof_rubrics"].create(
        {"problem_id": str, "reference": str, "guidelines": str, "level": str, "created_at": str},
        pk="problem_id",
    )


@migrations()
def m_i17_problem_identity(db: Database) -> None:
    """A problem's identity includes its content: the hash of text, gold answer and kind, so two
    datasets with the same ids never share a row."""
    db["problems"].add_column("content_hash", str)
    for row in list(db["problems"].rows):
        db["problems"].update(row["id"], {"content_hash": content_hash(row["text"], row["answer"], row["kind"])})
    db["problems"].create_index(["content_hash"])


@migrations()
def m_i17_run_leases(db: Database) -> None:
    """Who executes a run: one row per run being executed, refreshed by a heartbeat."""
    db["run_leases"].create(
        {"run_id": str, "pid": int, "host": str, "token": str, "acquired_at": str, "heartbeat_at": str},
        pk="run_id",
    )


@migrations()
def m_i20_comparisons_checks_conjectures(db: Database) -> None:
    """Issue 20's records: every tournament match and selection grade, every check of a
    verifier's critique, and the reasoner's unproven lemmas (conjectures)."""
    db["comparisons"].create(
        {"id": int, "run_id": str, "problem_id": str, "stage": int, "first_shot": int, "second_shot": int,
         "winner_shot": int, "outcome": str, "reason": str, "call_id": int, "created_at": str},
        pk="id",
    )
    db["comparisons"].create_index(["run_id", "problem_id"])
    db["selection_grades"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "score": float, "call_ids": str, "created_at": str},
        pk="id",
    )
    db["selection_grades"].create_index(["run_id", "problem_id"])
    db["critique_checks"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "target": str, "verdict_call_id": int,
         "first_wrong": str, "upheld": int, "reason": str, "call_id": int, "created_at": str},
        pk="id",
    )
    db["critique_checks"].create_index(["run_id", "problem_id", "shot"])
    db["conjectures"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "round": int, "statement": str,
         "status": str, "lemma_id": int, "proved_round": int, "call_id": int, "created_at": str},
        pk="id",
    )
    db["conjectures"].create_index(["run_id", "problem_id", "shot"])


@migrations()
def m_i19_call_key(db: Database) -> None:
    """A keyed call (one the loop makes at most once per run) is found again by its `call_key`
    column through a unique index, instead of by scanning the JSON tags. Older stores are filled in
    from the tags; should one hold two finished calls under a key, the latest keeps it (resuming
    read that one back)."""
    db["calls"].add_column("call_key", str)
    db.execute("update calls set call_key = json_extract(tags, '$.call_key') where json_valid(tags)")
    db.execute(
        "update calls set call_key = null where call_key is not null and error is null and id < "
        "(select max(later.id) from calls later where later.run_id is calls.run_id and later.problem_id is "
        "calls.problem_id and later.call_key = calls.call_key and later.error is null)")
    # Failed attempts share their key with the call that later succeeded: only finished ones are unique.
    db.execute("create unique index idx_calls_finished_call_key on calls (run_id, problem_id, call_key) "
               "where call_key is not null and error is null")
