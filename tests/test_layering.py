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
    assert "streamlit" in imported_modules(PACKAGE / "ui" / "card" / "view.py")


def test_the_playground_page_loads_no_heavy_library_it_may_never_use() -> None:
    """PyJWT+cryptography (Backend.AI only, 8 MiB) and the OpenAI tokenizer tables
    (OpenAI models only, 140 MiB) are imported on first use, not with the page."""
    import subprocess
    import sys

    code = (
        "import sys, playground.ui.playground.page, playground.ui.card.view\n"
        "print(sorted(m for m in ('jwt', 'cryptography', 'bpe_openai') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()
    assert loaded == "[]"


def test_a_page_run_imports_no_dataframe_library(tmp_path: Path) -> None:
    """Nothing on the playground page is a table: pandas, numpy and pyarrow (about
    100 MiB a process) stay unloaded through a whole page run (Streamlit's custom
    components import them to look for dataframes among a dict's values)."""
    import os
    import subprocess
    import sys

    config = tmp_path / "playground.toml"
    config.write_text(
        f'[local_model]\nenabled = false\n\n[store]\ndata_dir = "{tmp_path / "data"}"\n',
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('streamlit_app.py', default_timeout=120)\n"
        "at.run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "assert at.session_state['playground'].workspace.cards\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        env={**os.environ, "PLAYGROUND_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.strip()
    assert loaded.splitlines()[-1] == "[]"
