"""The lemma dependency graph of a problem, as data, DOT and SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from lemmata.memory import LemmaLibrary, graph_to_dot, graph_to_svg, lemma_graph
from tests.memory.conftest import draft


def _two_shots(store):
    shot0 = LemmaLibrary(store, run_id="r", problem_id="p", shot=0)
    shot1 = LemmaLibrary(store, run_id="r", problem_id="p", shot=1)
    a, _ = shot0.add(draft("1", "A"), round=1)
    b, _ = shot0.add(draft("2", "B", "1"), round=1)
    c, _ = shot0.add(draft("3", "C \"quoted\" \\alpha", "1", "2"), round=2)
    shot1.add(draft("1", "B"), round=1)  # the same B, numbered 1 in this shot
    d, _ = shot1.add(draft("2", "D", "1"), round=2)  # cites B
    return {"A": a.id, "B": b.id, "C": c.id, "D": d.id}


def test_the_graph_matches_the_cited_numbers(store):
    ids = _two_shots(store)
    graph = lemma_graph(store, "p")
    edges = {(edge.source, edge.target) for edge in graph.edges}
    assert edges == {(ids["A"], ids["B"]), (ids["A"], ids["C"]), (ids["B"], ids["C"]), (ids["B"], ids["D"])}
    nodes = {node.id: node for node in graph.nodes}
    assert nodes[ids["B"]].occurrences == 2 and nodes[ids["A"]].occurrences == 1
    assert [nodes[ids[name]].layer for name in "ABCD"] == [0, 1, 2, 2]


def test_dot_has_one_node_per_lemma_and_one_arrow_per_citation(store):
    ids = _two_shots(store)
    dot = graph_to_dot(lemma_graph(store, "p"))
    assert dot.startswith('digraph "lemmas p" {') and dot.rstrip().endswith("}")
    assert len(re.findall(r"^  l\d+ \[label=", dot, re.MULTILINE)) == 4
    assert f"  l{ids['A']} -> l{ids['B']};" in dot and len(re.findall(r" -> ", dot)) == 4
    assert 'tooltip="C \\"quoted\\" \\\\alpha"' in dot


def test_svg_is_well_formed_with_a_box_per_lemma_and_a_line_per_citation(store):
    _two_shots(store)
    svg = graph_to_svg(lemma_graph(store, "p"))
    root = ElementTree.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{namespace}rect")) == 4
    assert len(root.findall(f".//{namespace}line")) == 4


def test_an_empty_problem_draws_an_empty_graph(store):
    graph = lemma_graph(store, "none")
    assert graph.nodes == [] and graph.edges == []
    ElementTree.fromstring(graph_to_svg(graph))
    assert graph_to_dot(graph).count("->") == 0
