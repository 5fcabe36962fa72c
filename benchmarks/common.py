"""Shared plumbing for benchmarks: the fake server, a temp config, a headless app."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.fake_openai import FakeOpenAIServer, Scenario  # noqa: E402

APP = str(ROOT / "streamlit_app.py")


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def use_endpoints(endpoints: dict[str, str]) -> Path:
    """Write a temporary playground.toml with these endpoints and point the app at it."""
    tmp = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    lines = []
    for name, url in endpoints.items():
        lines.append(f'[[endpoints]]\nname = "{name}"\nbase_url = "{url}"\n')
    path = tmp / "playground.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    os.environ["PLAYGROUND_CONFIG"] = str(path)
    return path


def headless_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return at


__all__ = ["AppTest", "FakeOpenAIServer", "Scenario", "headless_app", "machine", "use_endpoints"]
