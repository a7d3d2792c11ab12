"""A problem's lemma dependency graph (cited lemma -> lemma derived from it) as data, DOT and SVG."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from lemmata.memory.lemmas.records import LemmaOrigin, LemmaStatus

if TYPE_CHECKING:
    from lemmata.memory.store import RunStore

# SVG layout, in pixels: boxes in layers, top to bottom; a wide layer wraps onto several rows.
NODE_WIDTH, NODE_HEIGHT = 150, 44
GAP_X, GAP_Y, MARGIN = 24, 56, 20
NODES_PER_ROW = 10


@dataclass(frozen=True)
class GraphNode:
    """One lemma of the problem (superseded versions are left out)."""

    id: int
    number: str
    """Its number in the library where it first appeared."""
    statement: str
    confidence: float | None
    passes: int
    votes: int
    occurrences: int
    """How many (run, shot) libraries hold it: the rollouts in which it appeared."""
    status: LemmaStatus
    origin: LemmaOrigin
    layer: int
    """0 for lemmas citing nothing; otherwise one more than the deepest lemma cited."""

    @property
    def label(self) -> str:
        return f"Lemma {self.number} (#{self.id})"

    @property
    def score(self) -> str:
        confidence = "unverified" if self.confidence is None else f"{self.confidence:.2f}"
        return f"×{self.occurrences} · {confidence}"


@dataclass(frozen=True)
class GraphEdge:
    source: int
    """The cited lemma."""
    target: int
    """The lemma whose proof cites it."""


@dataclass(frozen=True)
class LemmaGraph:
    problem_id: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def lemma_graph(store: RunStore, problem_id: str) -> LemmaGraph:
    """All live lemmas of a problem with their occurrence counts, and the citations between them."""
    rows = list(store.db.query(
        "select lemmas.*, (select count(*) from lemma_uses u where u.lemma_id = lemmas.id) as occurrences"
        " from lemmas where problem_id = ? and status != ? order by id",
        [problem_id, str(LemmaStatus.SUPERSEDED)]))
    ids = {row["id"] for row in rows}
    edges = [
        GraphEdge(source=cited, target=citing)
        for citing, cited in store.db.execute(
            "select e.lemma_id, e.cited_id from lemma_edges e join lemmas l on l.id = e.lemma_id"
            " where l.problem_id = ? order by e.cited_id, e.lemma_id", [problem_id])
        if citing in ids and cited in ids
    ]
    layers = _layers([row["id"] for row in rows], edges)
    nodes = [
        GraphNode(id=row["id"], number=row["number"] or "", statement=row["statement"],
                  confidence=row["confidence"], passes=row["passes"] or 0, votes=row["votes"] or 0,
                  occurrences=row["occurrences"], status=LemmaStatus(row["status"]),
                  origin=LemmaOrigin(row["origin"]), layer=layers[row["id"]])
        for row in rows
    ]
    return LemmaGraph(problem_id=problem_id, nodes=nodes, edges=edges)


def _layers(ids: list[int], edges: list[GraphEdge]) -> dict[int, int]:
    """Longest citation chain below each lemma; an edge closing a cycle (across shots) is ignored."""
    cited = defaultdict(list)
    for edge in edges:
        cited[edge.target].append(edge.source)
    layers: dict[int, int] = {}
    for start in ids:
        stack, on_path = [(start, iter(cited[start]))], {start}
        while stack:
            node, pending = stack[-1]
            child = next((c for c in pending if c not in on_path and c not in layers), None)
            if child is not None:
                stack.append((child, iter(cited[child])))
                on_path.add(child)
                continue
            layers[node] = 1 + max((layers[c] for c in cited[node] if c in layers), default=-1)
            on_path.discard(node)
            stack.pop()
    return layers


# DOT -------------------------------------------------------------------------------


def graph_to_dot(graph: LemmaGraph) -> str:
    """Graphviz DOT: one box per lemma (coloured by confidence), one arrow per citation."""
    lines = [f"digraph {_dot_string('lemmas ' + graph.problem_id)} {{",
             "  rankdir=TB;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica"];']
    for node in graph.nodes:
        style = ', style="rounded,filled,dashed"' if node.status is LemmaStatus.REJECTED else ""
        width = ", penwidth=3" if node.status is LemmaStatus.PINNED else ""
        lines.append(
            f"  l{node.id} [label={_dot_string(node.label + chr(10) + node.score)}, "
            f"tooltip={_dot_string(node.statement)}, fillcolor={_dot_string(_fill(node))}{style}{width}];")
    lines.extend(f"  l{edge.source} -> l{edge.target};" for edge in graph.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _fill(node: GraphNode) -> str:
    """Grey when unverified or rejected; red (0) through yellow to green (1) by confidence."""
    if node.confidence is None or node.status is LemmaStatus.REJECTED:
        return "#dddddd"
    red = round(330 - 200 * node.confidence) if node.confidence > 0.5 else 230
    green = 230 if node.confidence >= 0.5 else round(130 + 200 * node.confidence)
    return f"#{red:02x}{green:02x}{130:02x}"


# SVG -------------------------------------------------------------------------------


def graph_to_svg(graph: LemmaGraph) -> str:
    """The graph drawn as SVG with a simple layered layout (no Graphviz needed)."""
    positions = _layout(graph)
    width = max((x for x, _ in positions.values()), default=0) + NODE_WIDTH + 2 * MARGIN
    height = max((y for _, y in positions.values()), default=0) + NODE_HEIGHT + 2 * MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>{escape('Lemma graph of problem ' + graph.problem_id)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
    ]
    for edge in graph.edges:
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        parts.append(
            f'<line x1="{x1 + NODE_WIDTH // 2}" y1="{y1 + NODE_HEIGHT}" x2="{x2 + NODE_WIDTH // 2}" y2="{y2}" '
            'stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>')
    for node in graph.nodes:
        parts.append(_svg_node(node, *positions[node.id]))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _layout(graph: LemmaGraph) -> dict[int, tuple[int, int]]:
    """Top-left corner of each box: rows by layer, each row ordered by its parents' mean position."""
    by_layer: dict[int, list[GraphNode]] = defaultdict(list)
    for node in graph.nodes:
        by_layer[node.layer].append(node)
    parents = defaultdict(list)
    for edge in graph.edges:
        parents[edge.target].append(edge.source)
    order: dict[int, float] = {}
    positions: dict[int, tuple[int, int]] = {}
    top_row = 0
    for layer in sorted(by_layer):
        def barycenter(node: GraphNode) -> tuple[float, int]:
            known = [order[p] for p in parents[node.id] if p in order]
            return (sum(known) / len(known) if known else float(node.id), node.id)

        row = sorted(by_layer[layer], key=barycenter) if layer else by_layer[layer]
        for index, node in enumerate(row):
            order[node.id] = float(index % NODES_PER_ROW)
            column, line = index % NODES_PER_ROW, top_row + index // NODES_PER_ROW
            positions[node.id] = (MARGIN + column * (NODE_WIDTH + GAP_X), MARGIN + line * (NODE_HEIGHT + GAP_Y))
        top_row += -(-len(row) // NODES_PER_ROW)
    return positions


def _svg_node(node: GraphNode, x: int, y: int) -> str:
    dash = ' stroke-dasharray="4 3"' if node.status is LemmaStatus.REJECTED else ""
    stroke = 3 if node.status is LemmaStatus.PINNED else 1
    center = x + NODE_WIDTH // 2
    return (
        f'<g id="l{node.id}"><title>{escape(node.statement)}</title>'
        f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill={quoteattr(_fill(node))} '
        f'stroke="#333" stroke-width="{stroke}"{dash}/>'
        f'<text x="{center}" y="{y + 18}" text-anchor="middle" font-weight="bold">{escape(node.label)}</text>'
        f'<text x="{center}" y="{y + 34}" text-anchor="middle">{escape(node.score)}</text></g>'
    )
