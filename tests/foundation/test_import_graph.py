"""The package's file-level import graph has no circle and keeps its layers.

The graph is read from the source with `ast`, so every import counts: top level, inside
functions, under `if TYPE_CHECKING`. A lazy import that hides a circle still shows here.
"""

import ast
import functools
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parents[2]
# The setup.py package_dir mapping: import name -> folder in the repository.
ROOTS = {
    "lemmata": REPO / "lemmata",
    "lemmata.agent": REPO / "agent",
    "lemmata.engines": REPO / "engines",
    "lemmata.memory": REPO / "memory",
    "lemmata.prompts": REPO / "prompts",
}
ENGINES = ("answers", "geometry", "llm")
# engines.<a> may import engines.<b> only where listed here, with the reason.
ENGINE_CROSSINGS: dict[tuple[str, str], str] = {}


def package_files() -> dict[str, Path]:
    """Module name -> source file, for every module of the installed package."""
    modules = {}
    for name, folder in ROOTS.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if name == "lemmata" and parts and parts[0] in {"agent", "engines", "memory", "prompts"}:
                continue
            modules[".".join((name, *parts))] = path
    return modules


def nearest_module(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of dotted `name` that is a package module, if any."""
    parts = name.split(".")
    while parts and ".".join(parts) not in modules:
        parts.pop()
    return ".".join(parts) or None


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules `module` imports anywhere in its file, relative imports resolved.

    `from pkg import sub` names `pkg.sub` when that is a module, else the facade `pkg`. The
    parents Python runs on the way to a submodule are not counted: a package `__init__`
    re-exporting its submodules is a circle only if a submodule imports the facade back.
    """
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (path.name == "__init__.py")]
                base = ".".join([*anchor, *([base] if base else [])])
            names += [f"{base}.{alias.name}" for alias in node.names]
    found = {nearest_module(name, modules) for name in names if name.split(".")[0] == "lemmata"}
    return found - {None, module}


@functools.cache  # the sources do not change during a test run; read them once
def import_graph() -> nx.DiGraph:
    """Edges module -> each package module it imports (frozen: shared by the tests)."""
    modules = package_files()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        graph.add_edges_from((module, target) for target in imported_modules(module, path, modules))
    return nx.freeze(graph)


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    assert {"lemmata", "lemmata.agent.loop.solve", "lemmata.memory.lemmas", "lemmata.prompts"} <= set(graph)
    assert ("lemmata.agent.cli.check", "lemmata.engines.answers.grade_view") in graph.edges  # inside a function
    assert ("lemmata.memory", "lemmata.memory.lemmas") in graph.edges


def test_a_hidden_circle_is_still_a_circle(tmp_path):
    """Relative, lazy and TYPE_CHECKING imports all count; a facade's own re-exports do not."""
    files = {
        "lemmata.memory.lemmas": ("__init__.py", "from .graph import LemmaGraph\n"),
        "lemmata.memory.lemmas.graph": ("graph.py", "def f():\n    from . import views\n"),
        "lemmata.memory.lemmas.views": (
            "views.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..lemmas.graph import LemmaGraph\n"),
    }
    modules = {}
    for name, (filename, text) in files.items():
        modules[name] = tmp_path / filename
        modules[name].write_text(text, encoding="utf-8")
    edges = {(name, target) for name, path in modules.items() for target in imported_modules(name, path, modules)}
    assert edges == {
        ("lemmata.memory.lemmas", "lemmata.memory.lemmas.graph"),
        ("lemmata.memory.lemmas.graph", "lemmata.memory.lemmas.views"),
        ("lemmata.memory.lemmas.views", "lemmata.memory.lemmas.graph"),
    }


def test_no_file_level_import_circle():
    cycles = [sorted(component) for component in nx.strongly_connected_components(import_graph()) if len(component) > 1]
    assert not cycles, "import circles: " + "; ".join(" <-> ".join(cycle) for cycle in cycles)


def room(module: str) -> str:
    """`lemmata.agent`, `lemmata.engines`, `lemmata.memory`, `lemmata.prompts`, or `lemmata`."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 and parts[1] in {"agent", "engines", "memory", "prompts"} else "lemmata"


def imports_between(source_room: str, target_room: str) -> set[tuple[str, str]]:
    return {(source, target) for source, target in import_graph().edges
            if room(source) == source_room and room(target) == target_room}


def test_nothing_below_agent_imports_agent():
    upward = set().union(*(imports_between(below, "lemmata.agent")
                           for below in ("lemmata.engines", "lemmata.memory", "lemmata.prompts")))
    assert not upward, f"engines/memory/prompts import agent: {sorted(upward)}"


def test_engines_and_prompts_import_nothing_above_them():
    above = set().union(*(imports_between(source, target)
                          for source in ("lemmata.engines", "lemmata.prompts")
                          for target in ("lemmata.memory", "lemmata.prompts", "lemmata.engines", "lemmata")
                          if source != target))
    assert not above, f"engines/prompts import another room: {sorted(above)}"


def test_memory_takes_only_the_secret_redaction_from_engines():
    # Exception, on purpose: the store scrubs keys from errors before they are written.
    assert {target for _, target in imports_between("lemmata.memory", "lemmata.engines")} <= {
        "lemmata.engines.llm.redaction"}


def test_engines_are_independent():
    graph = import_graph()
    crossings = set()
    for source, target in graph.edges:
        a, b = source.split("."), target.split(".")
        if a[1:2] == b[1:2] == ["engines"] and len(a) > 2 and len(b) > 2 and a[2] != b[2]:
            crossings.add((a[2], b[2]))
    assert crossings <= ENGINE_CROSSINGS.keys(), f"engines importing each other: {crossings - ENGINE_CROSSINGS.keys()}"
