"""Shared plumbing for benchmarks: the fake server, a temp config, a headless app."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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


@contextlib.contextmanager
def fake_server_process(tokens: int, tokens_per_second: float) -> Iterator[dict[str, str]]:
    """The local test server in its own process (so it does not share our GIL).

    Yields its base URLs by scenario name: "fast" streams ``tokens`` at
    ``tokens_per_second``; "slow" at 0.3 times that rate.
    """
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fake_openai",
            "--tokens",
            str(tokens),
            "--tokens-per-second",
            str(tokens_per_second),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        urls = {}
        for _ in range(3):
            name, url = proc.stdout.readline().strip().split(": ", 1)
            urls[name] = url
        yield urls
    finally:
        proc.terminate()
        proc.wait(10)


def headless_app() -> AppTest:
    """The app in AppTest with Sync Input off (it opens on with two cards): the
    benchmarks type into one card's own input."""
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    if at.session_state["playground"].workspace.sync_input:
        at.toggle(key="sync_input_toggle").set_value(False).run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return at


__all__ = [
    "AppTest",
    "FakeOpenAIServer",
    "Scenario",
    "fake_server_process",
    "headless_app",
    "machine",
    "use_endpoints",
]
