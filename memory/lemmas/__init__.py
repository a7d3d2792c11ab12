"""The lemma memory's public API in one import: libraries, search, inspection and the graph."""

from lemmata.memory.lemmas.errors import LemmaMemoryError, LemmaNotFound, LemmaNotInLibrary, LemmaSuperseded
from lemmata.memory.lemmas.graph import GraphEdge, GraphNode, LemmaGraph, graph_to_dot, graph_to_svg, lemma_graph
from lemmata.memory.lemmas.inspection import LemmaDetail, lemma_detail, list_lemmas
from lemmata.memory.lemmas.library import LemmaLibrary, LibraryEntry, library_holding
from lemmata.memory.lemmas.records import LemmaDraft, LemmaEditAction, LemmaOrigin, LemmaStatus, VerifierVote
from lemmata.memory.lemmas.search import LemmaSummary, search_lemmas
from lemmata.memory.lemmas.text import (
    CHARS_PER_TOKEN,
    DEFAULT_LIBRARY_BUDGET_TOKENS,
    estimate_tokens,
    normalize_statement,
    statement_hash,
)

__all__ = [
    "GraphEdge", "GraphNode", "LemmaDetail", "LemmaGraph", "graph_to_dot", "graph_to_svg", "lemma_detail",
    "lemma_graph", "library_holding", "list_lemmas",
    "CHARS_PER_TOKEN", "DEFAULT_LIBRARY_BUDGET_TOKENS", "LemmaDraft", "LemmaEditAction", "LemmaLibrary",
    "LemmaMemoryError", "LemmaNotFound", "LemmaNotInLibrary", "LemmaOrigin", "LemmaStatus", "LemmaSuperseded",
    "LemmaSummary", "LibraryEntry", "VerifierVote", "estimate_tokens", "normalize_statement", "search_lemmas",
    "statement_hash",
]
