"""One lemma text form: what the prompts ask for is what the parsers read and the library writes;
steps count from 1 wherever they are shown; the forms of runs stored earlier still read."""

from __future__ import annotations

import re

from lemmata import prompts
from lemmata.agent.loop.role_outputs import parse_lemma_vote, parse_reasoner, parse_summary, split_steps
from lemmata.memory import LemmaDraft, LemmaLibrary, VerifierVote
from lemmata.memory.lemmas.format import format_lemma, parse_lemma, step_number

STEPS = ["Write $n = 2k$.", "Then $n^2 = 4k^2$, by Lemma 1."]


def _prompt_text(name: str) -> str:
    return "\n".join(prompts.template(name).values())


def test_a_formatted_lemma_reads_back_as_itself():
    text = format_lemma("3", "If $n$ is even then $4 \\mid n^2$.", STEPS)
    assert text.splitlines() == ["Lemma 3: If $n$ is even then $4 \\mid n^2$.", "Proof 3:",
                                 "Step 1: Write $n = 2k$.", "Step 2: Then $n^2 = 4k^2$, by Lemma 1."]
    draft = parse_lemma(text)
    assert (draft.number, draft.statement, draft.steps, draft.cites) == ("3", "If $n$ is even then $4 \\mid n^2$.", STEPS, ["1"])


def test_the_summarizer_prompt_asks_for_the_form_the_parser_reads():
    [example] = re.findall(r"<lemma>\n(.*?)</lemma>", _prompt_text("summarizer"), re.S)
    assert example.replace("N", "4").strip() == format_lemma("4", "statement", ["...", "..."])
    [draft] = parse_summary(f"<lemma>\n{format_lemma('4', 'A claim.', STEPS)}\n</lemma>", 4, set())
    assert (draft.number, draft.statement, draft.steps) == ("4", "A claim.", STEPS)


def test_the_reasoner_prompt_asks_for_conjectures_in_the_same_form_and_no_proven_lemmas():
    prompt = _prompt_text("reasoner")
    [example] = re.findall(r"<lemma>\n(.*?)</lemma>", prompt, re.S)
    assert example.strip() == format_lemma("1", "statement", [])
    assert "\\boxed{Lemma" not in prompt and "---" not in prompt
    answer = ("## Verdict\npartial solution\n\n## Detailed solution\nEven case done.\n\n## Conjectures\n"
              "<lemma>\nLemma 1: Odd squares are $1 \\pmod 8$.\n</lemma>\n<lemma>\nLemma 2: There are no others.\n</lemma>")
    parsed = parse_reasoner(answer)
    assert parsed.conjectures == ["Odd squares are $1 \\pmod 8$.", "There are no others."]
    assert parsed.solution == "Even case done."
    assert parse_reasoner(answer.replace(answer[answer.index("<lemma>"):], "none")).conjectures == []


def test_the_library_writes_each_lemma_in_the_form_with_steps_from_1(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    library.add(LemmaDraft("1", "A base fact.", ["Check it."]), round=1)
    library.add(LemmaDraft("2", "A derived fact.", STEPS, [[], ["1"]]), round=1)
    blocks = library.render().split("\n\n")
    drafts = [parse_lemma(block) for block in blocks]
    assert [(d.number, d.statement, d.steps) for d in drafts] == [("1", "A base fact.", ["Check it."]),
                                                                  ("2", "A derived fact.", STEPS)]
    assert "Step 0" not in library.render() and "ask for" not in library.render(budget_tokens=100)


def test_verifiers_name_steps_from_1_and_votes_keep_the_index():
    assert split_steps("First.\n\nSecond.").splitlines()[0] == "Step 1: First."
    vote = parse_lemma_vote("Step 2 divides by zero. \\box{STEP2}")
    assert vote.first_wrong_step == 1 and step_number(vote.first_wrong_step) == "2"
    assert parse_lemma_vote("\\box{STEP-1}").passed
    assert step_number(None) == "?"
    for name in ("lemma_verifier", "process_verifier"):
        assert "0-based" not in _prompt_text(name) and "Step 1 is the first" in _prompt_text(name)


def test_the_forms_of_earlier_runs_still_read():
    old_summary = ("<lemma>\n**Lemma 1:** If $n$ is even then $4 \\mid n^2$.\n**Proof 1:**\n"
                   "* **Step 1:** Write $n = 2k$.\n* **Step 2:** Then $n^2 = 4k^2$, by Lemma 1.\n</lemma>")
    [draft] = parse_summary(old_summary, 1, set())
    assert (draft.statement, draft.steps) == ("If $n$ is even then $4 \\mid n^2$.", STEPS)
    old_answer = ("## Verdict\npartial solution\n\n## Detailed solution\nWork.\n\n## Lemmas\n"
                  "\\boxed{Lemma 1: Proved.\nProof 1:\nStep 1: Done.}\n"
                  "\\boxed{Lemma 2: Believed.\n---\nLemma 3: Also believed.}")
    assert parse_reasoner(old_answer).conjectures == ["Believed.", "Also believed."]
    assert parse_reasoner(old_answer.replace("Lemma 2: Believed.\n---\nLemma 3: Also believed.", "Lemma -1")).conjectures == []
    assert parse_lemma_vote("The first step is wrong. \\box{STEP0}").first_wrong_step == 0  # steps shown from 0 then


def test_a_stored_vote_is_shown_with_its_step_counted_from_1(store):
    from lemmata.memory.lemmas import lemma_detail
    from lemmata.memory.lemmas.views import detail_view
    from rich.console import Console

    library = LemmaLibrary(store, run_id="r", problem_id="p")
    entry, _ = library.add(LemmaDraft("1", "A claim.", STEPS), round=1)
    library.record_vote(entry.id, VerifierVote(first_wrong_step=1, explanation="the second step fails"))
    console = Console(record=True, width=200)
    console.print(detail_view(lemma_detail(store, entry.id)))
    shown = console.export_text()
    assert "Step 1: Write $n = 2k$." in shown and "first wrong step 2" in shown
