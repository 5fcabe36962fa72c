"""Helpers shared by the browser tests: ``streamlit run`` on a free port, Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_app(config_text: str, tmp: Path, *extra_args: str) -> RunningApp:
    """``streamlit run`` the app with this config; saved workspaces go under ``tmp``."""
    if "[store]" not in config_text:
        config_text += f'\n[store]\ndata_dir = "{tmp / "data"}"\n'
    config = tmp / "playground.toml"
    config.write_text(config_text, encoding="utf-8")
    port = _free_port()
    log = tmp / "streamlit.log"
    env = {**os.environ, "PLAYGROUND_CONFIG": str(config)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return RunningApp(url, process, log)
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"streamlit did not start:\n{log.read_text()[-2000:]}")


def stop_app(app: RunningApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(15)
    except subprocess.TimeoutExpired:
        app.process.kill()
        app.process.wait(5)


def no_error_boxes(page: Page) -> None:
    """No traceback or Streamlit error box anywhere on the page."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
