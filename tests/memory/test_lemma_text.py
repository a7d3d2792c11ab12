"""Statement identity and the prompt text of a library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lemmata.memory import normalize_statement, statement_hash

CASES = json.loads((Path(__file__).parent / "normalization_cases.json").read_text())


@pytest.mark.parametrize(("first", "second"), CASES["same"])
def test_spacing_tex_variants_and_labels_do_not_make_a_new_lemma(first, second):
    assert normalize_statement(first) == normalize_statement(second)
    assert statement_hash(first) == statement_hash(second)


@pytest.mark.parametrize(("first", "second"), CASES["different"])
def test_different_mathematics_stays_different(first, second):
    assert statement_hash(first) != statement_hash(second)


def test_lemma_references_are_rewritten_and_nothing_else():
    from lemmata.memory.lemmas.text import lemma_references, renumber

    text = "By Lemma 2 and Lemma 3-fixed (not Lemma 23 or dilemma 2), see lemma 2."
    assert lemma_references(text) == {"2", "3-fixed", "23"}
    assert renumber(text, {"2": "5", "3-fixed": "3-fixed (from another attempt)"}) == (
        "By Lemma 5 and Lemma 3-fixed (from another attempt) (not Lemma 23 or dilemma 2), see lemma 5.")
