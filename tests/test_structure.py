"""The shape of the package: layers, no import cycles, small modules.

Every import counts, including those under ``TYPE_CHECKING`` and inside functions:
a cycle hidden in a function is still a cycle a reader has to hold in mind.
Layers: the core (everything outside ``session/`` and ``ui/``) imports neither;
``session/`` never imports ``ui/``.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "playground"
MAX_MODULE_LINES = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules ``path`` imports (``from a import b`` counts ``a.b`` if
    ``b`` is a module, else ``a``)."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
            names = [name if name in modules else base for name in names]
        else:
            continue
        for name in names:
            while name and name not in modules:  # a.b.attr -> a.b
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    found.discard(module_name(path))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    graph = {name: imports_of(path, modules) for name, path in modules.items()}
    # A package's __init__ is imported with any of its modules: not an edge of ours.
    return {name: {m for m in deps if not name.startswith(m + ".")} for name, deps in graph.items()}


def layer(name: str) -> int:
    parts = name.split(".")
    if len(parts) > 1 and parts[1] == "ui":
        return 2
    if len(parts) > 1 and parts[1] == "session":
        return 1
    return 0


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert len(graph) > 100
    assert "playground.session.session" in graph["playground.session.commands"]


def test_no_import_cycles() -> None:
    try:
        tuple(graphlib.TopologicalSorter(import_graph()).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_cycle_detection_works() -> None:
    graph = {"a": {"b"}, "b": {"a"}}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        return
    raise AssertionError("graphlib found no cycle in a two-node loop")


def test_no_layer_imports_a_layer_above_it() -> None:
    upward = sorted(
        f"{name} -> {dep}"
        for name, deps in import_graph().items()
        for dep in deps
        if layer(dep) > layer(name)
    )
    assert upward == []


def test_no_module_over_the_size_limit() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


MAX_TOP_ENTRIES = 14
MAX_MODULES_PER_FOLDER = 16


def test_the_top_of_the_package_is_short() -> None:
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert "__init__.py" in entries
    assert len(entries) <= MAX_TOP_ENTRIES, sorted(entries)


def test_no_folder_holds_more_than_sixteen_modules() -> None:
    crowded = {
        str(folder.relative_to(ROOT)): count
        for folder in [PACKAGE, *(p for p in PACKAGE.rglob("*") if p.is_dir())]
        if folder.name != "__pycache__"
        and (count := len(list(folder.glob("*.py")))) > MAX_MODULES_PER_FOLDER
    }
    assert crowded == {}


def test_every_folder_says_what_it_holds() -> None:
    silent = []
    for init in PACKAGE.rglob("__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            silent.append(str(init.relative_to(ROOT)))
    assert silent == []
