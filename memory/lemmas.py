"""The lemma memory's public API in one import: libraries, search, inspection and the graph."""

from memory.lemma_errors import LemmaMemoryError, LemmaNotFound, LemmaNotInLibrary, LemmaSuperseded
from memory.lemma_graph import GraphEdge, GraphNode, LemmaGraph, graph_to_dot, graph_to_svg, lemma_graph
from memory.lemma_inspection import LemmaDetail, lemma_detail, list_lemmas
from memory.lemma_library import LemmaLibrary, LibraryEntry, library_holding
from memory.lemma_records import LemmaDraft, LemmaEditAction, LemmaOrigin, LemmaStatus, VerifierVote
from memory.lemma_search import LemmaSummary, search_lemmas
from memory.lemma_text import (
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
