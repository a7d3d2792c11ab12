"""Properties of the budgeted library text that must hold for any library."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lemmata.memory import LemmaOrigin, LemmaStatus, estimate_tokens
from lemmata.memory.lemmas.search import fts_query
from lemmata.memory.lemmas.text import RenderedLemma, render_library

lemma_specs = st.lists(
    st.tuples(st.integers(1, 3000), st.none() | st.integers(0, 4), st.integers(0, 5), st.booleans()),
    min_size=1, max_size=40,
)


def _library(specs, pin: bool) -> list[RenderedLemma]:
    return [
        RenderedLemma(number=str(index), statement="s" * size, steps=["step"], passes=passes or 0,
                      votes=0 if passes is None else 4, confidence=None if passes is None else passes / 4,
                      proven=True, origin=LemmaOrigin.MODEL,
                      status=LemmaStatus.PINNED if pin and pinned else LemmaStatus.ACTIVE, cited_by=cited_by)
        for index, (size, passes, cited_by, pinned) in enumerate(specs, 1)
    ]


def _shown(text: str) -> list[int]:
    return [int(line.split(" ")[1]) for line in text.splitlines() if line.startswith("Lemma ")]


@settings(max_examples=150, deadline=None)
@given(lemma_specs, st.integers(100, 20_000))
def test_without_pins_the_text_fits_the_budget_and_keeps_append_order(specs, budget):
    lemmas = _library(specs, pin=False)
    text = render_library(lemmas, budget)
    shown = _shown(text)
    assert shown == sorted(shown)
    if len(shown) < len(lemmas):
        assert estimate_tokens(text) <= budget
        assert f"({len(lemmas) - len(shown)} more lemma" in text
    assert render_library(lemmas, budget) == text


@settings(max_examples=150, deadline=None)
@given(lemma_specs, st.integers(100, 20_000))
def test_pinned_lemmas_are_always_shown(specs, budget):
    lemmas = _library(specs, pin=True)
    shown = set(_shown(render_library(lemmas, budget)))
    assert {int(lemma.number) for lemma in lemmas if lemma.status is LemmaStatus.PINNED} <= shown


@given(st.text())
def test_any_text_becomes_a_query_of_quoted_words(text):
    query = fts_query(text)
    for any_term in (False, True):
        for term in filter(None, fts_query(text, any_term=any_term).replace(" OR ", " ").split(" ")):
            assert term.startswith('"') and term.endswith('"') and '"' not in term[1:-1]
    assert query == "" or query.startswith('"')
