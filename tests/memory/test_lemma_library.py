"""A shot's lemma library: deduplication, votes, budgeted rendering and human edits."""

from __future__ import annotations

import pytest
import sqlite_utils

from lemmata.memory import (
    DEFAULT_LIBRARY_BUDGET_TOKENS,
    LemmaDraft,
    LemmaLibrary,
    LemmaOrigin,
    LemmaStatus,
    VerifierVote,
    estimate_tokens,
)
from tests.memory.conftest import draft

PASS = VerifierVote(first_wrong_step=-1, explanation="all steps hold")
FAIL = VerifierVote(first_wrong_step=1, explanation="step 2 divides by zero")


def test_the_same_lemma_in_a_later_round_is_not_stored_twice(store):
    library = LemmaLibrary(store, run_id="r1", problem_id="p1")
    first, is_new = library.add(draft("1", "For all $n \\ge 1$, $n^2 \\geq n$."), round=1)
    again, again_new = library.add(draft("4", "For all $n\\geq 1$ , $n^{2}\\ge n$"), round=3)
    assert is_new and not again_new and again.id == first.id
    assert [entry.number for entry in library.entries()] == ["1"]
    assert store.db["lemmas"].count == 1 and store.db["lemma_uses"].count == 1


def test_the_same_lemma_in_another_shot_is_linked_and_counted(store):
    shot0 = LemmaLibrary(store, run_id="r1", problem_id="p1", shot=0)
    shot1 = LemmaLibrary(store, run_id="r1", problem_id="p1", shot=1)
    other_run = LemmaLibrary(store, run_id="r2", problem_id="p1", shot=0)
    original, _ = shot0.add(draft("1", "$p$ is prime"), round=1)
    shot0.record_vote(original.id, PASS)
    linked, is_new = shot1.add(draft("2", "$p$  is prime."), round=2)
    assert not is_new and linked.id == original.id and linked.number == "2"
    assert linked.confidence == 1.0 and linked.votes == 1  # the existing votes come along
    linked_again, _ = other_run.add(draft("7", "Lemma 7: $p$ is prime"), round=1)
    assert linked_again.occurrences == 3
    assert shot0.entries()[0].occurrences == 3 and shot0.entries()[0].number == "1"
    assert store.db["lemmas"].count == 1


def test_a_linked_lemma_cites_by_the_numbers_of_the_library_it_is_shown_in(store):
    shot0 = LemmaLibrary(store, run_id="r", problem_id="p", shot=0)
    shot1 = LemmaLibrary(store, run_id="r", problem_id="p", shot=1)
    shot0.add(draft("1", "A"), round=1)
    shot0.add(draft("2", "B"), round=1)
    shot0.add(LemmaDraft("3", "C", ["By Lemma 1 and Lemma 2, and Lemma 3 itself."], [["1", "2"]]), round=1)
    shot1.add(draft("1", "Z"), round=1)
    shot1.add(draft("2", "A"), round=1)  # shot 0's Lemma 1 is Lemma 2 here; B is missing
    linked, _ = shot1.add(LemmaDraft("3", "C", ["whatever"], [["2"]]), round=2)
    assert linked.steps == ["By Lemma 2 and Lemma 2 (from another attempt), and Lemma 3 itself."]
    assert "Step 1: By Lemma 1 and Lemma 2, and Lemma 3 itself." in shot0.render()
    shot1.add(draft("4", "B"), round=3)  # adding B later does not rewrite what was rendered
    assert shot1.entries()[2].steps == linked.steps


def test_the_same_statement_in_another_problem_is_a_different_lemma(store):
    one, _ = LemmaLibrary(store, run_id="r", problem_id="p1").add(draft("1", "$x>0$"), round=1)
    two, is_new = LemmaLibrary(store, run_id="r", problem_id="p2").add(draft("1", "$x>0$"), round=1)
    assert is_new and one.id != two.id and two.occurrences == 1


def test_a_fixed_lemma_is_new_and_points_at_the_one_it_corrects(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    wrong, _ = library.add(draft("3", "$a_n$ is increasing"), round=1)
    library.record_vote(wrong.id, FAIL)
    fixed, is_new = library.add(draft("3-fixed", "$a_n$ is increasing"), round=2)
    assert is_new and fixed.id != wrong.id and fixed.number == "3-fixed"
    assert fixed.fixed_of == wrong.id and fixed.confidence is None
    assert library.next_number() == 4


def test_numbers_continue_and_clashing_numbers_get_the_next_free_one(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    assert library.next_number() == 1
    library.add(draft("1", "A"), round=1)
    library.add(draft("2", "B"), round=1)
    clash, _ = library.add(draft("2", "C"), round=2)
    assert clash.number == "3" and library.next_number() == 4


def test_votes_set_confidence_as_passes_over_votes(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    entry, _ = library.add(draft("1", "S"), round=1)
    assert entry.confidence is None
    for vote in (PASS, PASS, FAIL, PASS):
        entry = library.record_vote(entry.id, vote)
    assert (entry.passes, entry.votes, entry.confidence) == (3, 4, 0.75)
    assert store.db["lemma_votes"].count == 4


def test_citations_become_edges_between_lemmas_of_the_library(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    one, _ = library.add(draft("1", "A"), round=1)
    two, _ = library.add(draft("2", "B", "1"), round=1)
    three, _ = library.add(draft("3", "C", "1", "2", "99"), round=2)  # 99 does not exist
    edges = {(row["lemma_id"], row["cited_id"]) for row in store.db["lemma_edges"].rows}
    assert edges == {(two.id, one.id), (three.id, one.id), (three.id, two.id)}
    assert three.cites == ["1", "2", "99"]


def test_the_rendered_library_is_in_append_order_with_scores(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    assert library.render() == "(no lemmas yet)"
    one, _ = library.add(LemmaDraft("1", "$n^2 \\geq n$", ["Multiply $n \\geq 1$ by $n$."]), round=1)
    for vote in (PASS, PASS, PASS, FAIL):
        library.record_vote(one.id, vote)
    library.add(LemmaDraft("2", "$n^3 \\geq n$", ["Use Lemma 1 twice."], [["1"]]), round=2)
    assert library.render() == (
        "Lemma 1 (confidence 0.75, 3/4 verifier votes): $n^2 \\geq n$\n"
        "Proof 1:\nStep 1: Multiply $n \\geq 1$ by $n$.\n\n"
        "Lemma 2 (not yet verified): $n^3 \\geq n$\n"
        "Proof 2:\nStep 1: Use Lemma 1 twice."
    )


def test_rendering_is_byte_stable_and_new_lemmas_only_append(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    for number in range(1, 6):
        library.add(draft(str(number), f"Statement number {number}"), round=number)
    before = library.render()
    assert library.render() == before
    library.add(draft("6", "Statement number 6"), round=6)
    assert library.render().startswith(before + "\n\n")


def _large_library(store, count: int = 200) -> LemmaLibrary:
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    for number in range(1, count + 1):
        entry, _ = library.add(draft(str(number), f"Claim {number}: " + "words " * 60, steps=6), round=number // 25)
        for index in range(4):
            library.record_vote(entry.id, PASS if index < number % 5 else FAIL)
    return library


def test_over_budget_the_pinned_and_most_confident_lemmas_stay_and_the_rest_are_counted(store):
    library = _large_library(store)
    pinned = library.entries()[2]  # lemma 3: confidence 0.75
    library.pin(pinned.id)
    library.reject(library.entries()[3].id)  # lemma 4: confidence 1.0 but rejected
    text = library.render(budget_tokens=4000)
    assert estimate_tokens(text) <= 4000
    shown = [line.split(" ")[1] for line in text.splitlines() if line.startswith("Lemma ")]
    assert "3" in shown and "4" not in shown
    kept = [e for e in library.entries() if e.number in shown]
    left_out = [e for e in library.entries() if e.number not in shown]
    assert min(e.confidence for e in kept if e.status is not LemmaStatus.PINNED) >= max(e.confidence for e in left_out)
    assert [int(n) for n in shown] == sorted(int(n) for n in shown)  # still in append order
    assert text.endswith(f"({len(left_out)} more lemmas were left out to fit the budget: "
                         f"{', '.join(e.number for e in left_out)}.)")
    assert library.render(budget_tokens=4000) == text


def test_cited_lemmas_win_ties_in_confidence(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    for number in range(1, 5):
        library.add(draft(str(number), f"Claim {number} " + "x " * 200), round=1)
    library.add(draft("5", "Uses claim 2", "2"), round=2)
    text = library.render(budget_tokens=400)
    shown = {line.split(" ")[1] for line in text.splitlines() if line.startswith("Lemma ")}
    assert "2" in shown and "5" in shown and "1" not in shown


def test_a_pinned_lemma_is_shown_even_when_it_alone_exceeds_the_budget(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    huge, _ = library.add(draft("1", "Huge " + "y " * 2000), round=1)
    library.add(draft("2", "Small"), round=1)
    library.pin(huge.id)
    text = library.render(budget_tokens=200)
    assert text.startswith("Lemma 1 (pinned by the user, not yet verified): Huge")
    assert text.endswith("(1 more lemma was left out to fit the budget: Lemma 2.)")


def test_the_default_budget_holds_a_200_lemma_library(store):
    library = _large_library(store)
    assert estimate_tokens(library.render()) <= DEFAULT_LIBRARY_BUDGET_TOKENS
    assert estimate_tokens(library.render(budget_tokens=None)) > DEFAULT_LIBRARY_BUDGET_TOKENS


def test_a_rejected_lemma_is_never_rendered_but_kept(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    bad, _ = library.add(draft("1", "False claim"), round=1)
    library.reject(bad.id)
    assert "False claim" not in library.render()
    assert [e.status for e in library.entries(include_rejected=True)] == [LemmaStatus.REJECTED]
    again, is_new = library.add(draft("2", "False claim"), round=2)
    assert not is_new and again.id == bad.id and library.render() == "(no lemmas yet)"


def test_an_edit_makes_a_new_version_and_keeps_the_old_one(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    base, _ = library.add(draft("1", "A"), round=1)
    old, _ = library.add(draft("2", "$x^2 > 0$", "1"), round=1)
    user, _ = library.add(draft("3", "B", "2"), round=2)
    library.record_vote(old.id, FAIL)
    new = library.edit(old.id, statement="$x^2 > 0$ for $x \\neq 0$", steps=["Square a nonzero real."])
    assert new.id != old.id and new.number == "2" and new.version == 2
    assert (new.votes, new.confidence) == (0, None)
    stored_old = store.db["lemmas"].get(old.id)
    assert stored_old["status"] == "superseded" and stored_old["superseded_by"] == new.id
    assert stored_old["statement"] == "$x^2 > 0$"
    assert [e.id for e in library.entries()] == [base.id, new.id, user.id]
    edges = {(row["lemma_id"], row["cited_id"]) for row in store.db["lemma_edges"].rows}
    assert {(new.id, base.id), (user.id, new.id)} <= edges
    [edit] = list(store.db["lemma_edits"].rows_where("action = 'edit'"))
    assert edit["lemma_id"] == old.id and edit["new_lemma_id"] == new.id and edit["created_at"]


def test_every_human_edit_is_recorded_with_its_time(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    entry, _ = library.add(draft("1", "A"), round=1)
    library.pin(entry.id)
    library.unpin(entry.id)
    library.reject(entry.id)
    user = library.add_user_lemma("Every even number above 2 is a sum of two primes", ["Trust me."], round=2)
    assert user.origin is LemmaOrigin.USER and user.number == "2"
    assert "added by the user" in library.render()
    actions = [(row["action"], row["lemma_id"]) for row in store.db["lemma_edits"].rows]
    assert actions == [("pin", entry.id), ("unpin", entry.id), ("reject", entry.id), ("add_user", user.id)]
    assert all(row["created_at"] for row in store.db["lemma_edits"].rows)


def test_seeding_imports_verified_lemmas_of_related_problems(store):
    source = LemmaLibrary(store, run_id="r", problem_id="old")
    good, _ = source.add(draft("1", "Every prime $p>2$ is odd"), round=1)
    weak, _ = source.add(draft("2", "Every prime $p$ divides $p^2$ twice"), round=1)
    unrelated, _ = source.add(draft("3", "Triangles have three angles"), round=1)
    for entry, votes in ((good, [PASS] * 4), (weak, [PASS, FAIL, FAIL, FAIL]), (unrelated, [PASS] * 4)):
        for vote in votes:
            source.record_vote(entry.id, vote)
    target = LemmaLibrary(store, run_id="r2", problem_id="new")
    seeded = target.seed_from_other_problems("Show that if a prime p is odd then p^2 is odd.")
    assert [e.statement for e in seeded] == ["Every prime $p>2$ is odd"]
    [imported] = seeded
    assert imported.origin is LemmaOrigin.IMPORTED and imported.confidence == 1.0 and imported.id != good.id
    assert store.db["lemmas"].get(imported.id)["imported_from"] == good.id
    assert "imported from another problem" in target.render()
    assert imported.steps == [f"Step text 1.{index}" for index in (1, 2)]
    assert target.seed_from_other_problems("prime odd") == []  # already held


def test_a_library_survives_reopening_the_store(tmp_path):
    from lemmata.memory import RunStore
    path = tmp_path / "m.db"
    first = RunStore(path)
    LemmaLibrary(first, run_id="r", problem_id="p").add(draft("1", "A"), round=1)
    first.close()
    again = RunStore(path)
    assert [e.statement for e in LemmaLibrary(again, run_id="r", problem_id="p").entries()] == ["A"]
    assert sqlite_utils.Database(path)["lemmas"].count == 1


def test_the_library_holding_a_lemma_is_found_by_its_id(store):
    from lemmata.memory import LemmaNotFound, LemmaSuperseded, library_holding

    shot2 = LemmaLibrary(store, run_id="r", problem_id="p", shot=2)
    entry, _ = shot2.add(draft("1", "A"), round=1)
    found = library_holding(store, entry.id)
    assert (found.run_id, found.problem_id, found.shot) == ("r", "p", 2)
    newer = found.edit(entry.id, statement="A'")
    with pytest.raises(LemmaSuperseded, match=f"edit {newer.id} instead"):
        library_holding(store, entry.id)
    with pytest.raises(LemmaNotFound, match="lemma 999 does not exist"):
        library_holding(store, 999)


def test_cited_lemmas_are_those_a_solution_names_and_what_their_proofs_cite(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    one, _ = library.add(draft("1", "Statement one"), round=1)
    library.record_vote(one.id, PASS)
    library.add(draft("2", "Statement two", "1"), round=1)
    library.add(draft("3", "Statement three"), round=1)
    assert library.render_cited("No lemma is used here.") == "(the solution cites no lemma of the library)"
    cited = library.render_cited("By Lemma 2 and Lemma 7 the claim follows.")
    assert "Lemma 2 (not yet verified): Statement two" in cited
    assert "Lemma 1 (confidence 1.00, 1/1 verifier votes): Statement one\nProof 1:\nStep 1: Step text 1.1" in cited
    assert "Statement three" not in cited and "Lemma 7" not in cited
    assert cited.index("Statement one") < cited.index("Statement two")  # append order, as in the library view


def test_over_budget_cited_lemmas_keep_every_statement_and_drop_proofs_first(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    long_steps = [f"A long step {i} " + "x" * 300 for i in range(6)]
    strong, _ = library.add(LemmaDraft("1", "Strong statement", long_steps), round=1)
    library.record_vote(strong.id, PASS)
    library.add(LemmaDraft("2", "Weak statement", long_steps), round=1)
    full = library.render_cited("Lemma 1 and Lemma 2", None)
    budget = estimate_tokens(full) * 2 // 3  # room for one proof, not two
    cited = library.render_cited("Lemma 1 and Lemma 2", budget)
    assert estimate_tokens(cited) <= budget
    assert "Lemma 1 (confidence 1.00, 1/1 verifier votes): Strong statement\nProof 1:" in cited
    assert "Lemma 2 (not yet verified): Weak statement\n(proof left out to fit the budget)" in cited
    tiny = library.render_cited("Lemma 1 and Lemma 2", 40)  # the statements alone, and a note
    assert estimate_tokens(tiny) <= 40 and "Proof" not in tiny
    assert "Strong statement" in tiny and "Weak statement" in tiny and "(proofs left out to fit the budget)" in tiny
