"""Terminal views of the lemma memory (rich): a table of lemmas, one lemma in full, the graph as a tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from lemmata.memory.lemmas.format import step_number
from lemmata.memory.lemmas.graph import GraphNode, LemmaGraph
from lemmata.memory.lemmas.inspection import LemmaDetail
from lemmata.memory.lemmas.records import LemmaStatus
from lemmata.memory.lemmas.search import LemmaSummary
from lemmata.memory.terminal_text import inert, plain

STATEMENT_PREVIEW_CHARS = 90

_STATUS_STYLE = {LemmaStatus.PINNED: "bold cyan", LemmaStatus.REJECTED: "strike dim",
                 LemmaStatus.SUPERSEDED: "dim", LemmaStatus.ACTIVE: ""}


def confidence_text(confidence: float | None, passes: int, votes: int) -> Text:
    if confidence is None:
        return Text("unverified", style="dim")
    style = "green" if confidence >= 0.75 else "yellow" if confidence >= 0.5 else "red"
    return Text(f"{confidence:.2f} ({passes}/{votes})", style=style)


def _preview(statement: str) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= STATEMENT_PREVIEW_CHARS else flat[: STATEMENT_PREVIEW_CHARS - 1] + "…"


def summary_table(summaries: Sequence[LemmaSummary], title: str | None = None,
                  render: Callable[[str], str] = str) -> Table:
    """`render` turns a statement into display text (the CLI passes its TeX renderer)."""
    table = Table(title=title, show_lines=False)
    for column in ("id", "problem", "no.", "round", "confidence", "×", "status", "origin"):
        table.add_column(column, no_wrap=True)
    table.add_column("statement")
    for lemma in summaries:
        round_text = "" if lemma.round is None else str(lemma.round)
        table.add_row(str(lemma.id), plain(lemma.problem_id), plain(lemma.number), round_text,
                      confidence_text(lemma.confidence, lemma.passes, lemma.votes), str(lemma.occurrences),
                      Text(str(lemma.status), style=_STATUS_STYLE[lemma.status]), str(lemma.origin),
                      plain(_preview(render(lemma.statement))))
    return table


def detail_view(detail: LemmaDetail) -> RenderableType:
    lemma = detail.summary
    head = Text.assemble((inert(f"Lemma {lemma.number}"), "bold"), inert(f"  #{lemma.id} · problem {lemma.problem_id} · "),
                         confidence_text(lemma.confidence, lemma.passes, lemma.votes),
                         f" · {lemma.status} · {lemma.origin} · version {detail.version}",
                         f" · in {lemma.occurrences} libraries")
    parts: list[RenderableType] = [head, plain(lemma.statement)]
    links = [("fixes", detail.fixed_of), ("supersedes", detail.supersedes),
             ("superseded by", detail.superseded_by), ("imported from", detail.imported_from)]
    parts.extend(Text(f"{name} lemma #{target}", style="dim") for name, target in links if target is not None)
    parts.append(Text("Proof", style="bold"))
    parts.extend(plain(f"Step {index}: {step}") for index, step in enumerate(detail.steps, 1))
    parts.append(Text(f"Votes ({len(detail.votes)})", style="bold"))
    for vote in detail.votes:
        verdict = ("format error" if vote.format_error else "pass" if vote.passed
                   else f"first wrong step {step_number(vote.first_wrong_step)}")
        call = f" (call {vote.call_id})" if vote.call_id is not None else ""
        parts.append(Text.assemble((f"  {verdict}", "green" if vote.passed else "red"), inert(f"{call}: {vote.explanation}")))
    for title, references in (("Cites", detail.cites), ("Cited by", detail.cited_by)):
        parts.append(Text(f"{title} ({len(references)})", style="bold"))
        parts.extend(plain(f"  Lemma {ref.number} #{ref.id}: {_preview(ref.statement)}") for ref in references)
    if detail.uses:
        parts.append(Text("In libraries", style="bold"))
        parts.extend(plain(f"  run {use.run_id} shot {use.shot}: Lemma {use.number} (round {use.round})")
                     for use in detail.uses)
    if detail.edits:
        parts.append(Text("Edits", style="bold"))
        parts.extend(Text(f"  {edit.created_at} {edit.action} #{edit.lemma_id}"
                          + (f" → #{edit.new_lemma_id}" if edit.new_lemma_id else "")) for edit in detail.edits)
    return Panel(Group(*parts), title=f"lemma {lemma.id}", border_style="blue")


def graph_view(graph: LemmaGraph) -> RenderableType:
    """The graph as a tree from lemmas citing nothing down to what is derived from them.

    A lemma derived from several others is drawn in full once and referred to afterwards.
    """
    nodes = {node.id: node for node in graph.nodes}
    derived = defaultdict(list)
    for edge in graph.edges:
        derived[edge.source].append(edge.target)
    tree = Tree(Text(f"lemma graph of problem {graph.problem_id}: {len(graph.nodes)} lemmas, "
                     f"{len(graph.edges)} citations", style="bold"))
    drawn: set[int] = set()

    def grow(branch: Tree, node: GraphNode) -> None:
        if node.id in drawn:
            branch.add(Text(f"{node.label} (see above)", style="dim"))
            return
        drawn.add(node.id)
        child = branch.add(_node_text(node))
        for target in derived[node.id]:
            grow(child, nodes[target])

    for node in graph.nodes:
        if node.layer == 0:
            grow(tree, node)
    for node in graph.nodes:  # lemmas only reachable through a citation cycle
        if node.id not in drawn:
            grow(tree, node)
    return tree


def _node_text(node: GraphNode) -> Text:
    confidence = confidence_text(node.confidence, node.passes, node.votes)
    return Text.assemble((node.label, _STATUS_STYLE[node.status] or "bold"), " ", confidence,
                         f" ×{node.occurrences} ", (_preview(node.statement), "dim"))


if __name__ == "__main__":
    # Demo: python -m lemmata.memory.lemmas.views — a small library, its table, one lemma and the graph.
    import tempfile

    from rich.console import Console

    from lemmata.memory.lemmas.graph import lemma_graph
    from lemmata.memory.lemmas.inspection import lemma_detail, list_lemmas
    from lemmata.memory.lemmas.library import LemmaLibrary
    from lemmata.memory.lemmas.records import LemmaDraft, VerifierVote
    from lemmata.memory.store import RunStore

    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(f"{folder}/demo.db")
        library = LemmaLibrary(store, run_id="demo", problem_id="p1")
        first, _ = library.add(LemmaDraft("1", "$n^2 \\geq n$ for $n \\geq 1$", ["Multiply by $n$."]), round=1)
        library.add(LemmaDraft("2", "$n^3 \\geq n$", ["Apply Lemma 1 twice."], [["1"]]), round=2)
        library.record_vote(first.id, VerifierVote(-1, "Correct."))
        console = Console()
        console.print(summary_table(list_lemmas(store, "p1")))
        console.print(detail_view(lemma_detail(store, first.id)))
        console.print(graph_view(lemma_graph(store, "p1")))
        store.close()
