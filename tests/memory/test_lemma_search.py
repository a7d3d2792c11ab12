"""Full-text search over lemma statements."""

from __future__ import annotations

import pytest

from lemmata.memory import LemmaLibrary, search_lemmas
from lemmata.memory.lemmas.search import fts_query
from tests.memory.conftest import draft


@pytest.fixture
def library(store):
    library = LemmaLibrary(store, run_id="r", problem_id="p")
    library.add(draft("1", "Every prime $p > 2$ is odd"), round=1)
    library.add(draft("2", "The sum of two odd numbers is even"), round=1)
    library.add(draft("3", "A triangle inscribed in a circle with a diameter side is right"), round=2)
    return library


def test_search_finds_lemmas_by_words_of_their_statements(store, library):
    assert {hit.number for hit in search_lemmas(store, "odd")} == {"1", "2"}
    assert [hit.number for hit in search_lemmas(store, "circle triangle")] == ["3"]
    assert [hit.number for hit in search_lemmas(store, "primes")] == ["1"]  # stemmed
    assert search_lemmas(store, "hexagon") == []


def test_search_can_be_limited_to_one_problem(store, library):
    LemmaLibrary(store, run_id="r", problem_id="q").add(draft("1", "Odd squares are odd"), round=1)
    assert {hit.problem_id for hit in search_lemmas(store, "odd")} == {"p", "q"}
    assert {hit.problem_id for hit in search_lemmas(store, "odd", problem_id="q")} == {"q"}


@pytest.mark.parametrize("query", ['a"b OR (', '"', "NOT", "prime*", "p AND (", "NEAR(odd", "^odd", ")", "", "  ", "-odd:"])
def test_search_never_raises_on_operators_or_quotes(store, library, query):
    search_lemmas(store, query)


def test_query_words_are_quoted():
    assert fts_query('a"b OR (') == '"a" "b" "or"'
    assert fts_query("prime odd", any_term=True) == '"prime" OR "odd"'


def test_search_follows_edits_to_the_newest_version(store, library):
    [odd_prime] = search_lemmas(store, "prime")
    library.edit(odd_prime.id, statement="Every prime $p \\neq 2$ is odd")
    [hit] = search_lemmas(store, "prime")
    assert hit.id != odd_prime.id and "neq" in hit.statement
    assert {h.id for h in search_lemmas(store, "prime", include_superseded=True)} == {hit.id, odd_prime.id}
