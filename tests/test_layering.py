"""``playground/`` outside ``playground/ui/`` must never import streamlit."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "playground"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_ui_imports_streamlit() -> None:
    offenders = []
    checked = 0
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts:
            continue
        checked += 1
        if any(m == "streamlit" or m.startswith("streamlit.") for m in imported_modules(path)):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert checked >= 8
    assert offenders == []


def test_ui_does_import_streamlit() -> None:
    # Guards the check above against silently scanning nothing.
    assert "streamlit" in imported_modules(PACKAGE / "ui" / "card_view.py")
