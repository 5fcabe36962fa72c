"""The real LiteLLM proxy, from PyPI, in a venv of its own (``.venv-litellm``).

LiteLLM's proxy pins dozens of packages (FastAPI, pydantic, openai, ...) that
would fight the app's own, so it lives in a separate venv that ``ensure_venv``
builds on first use (``python -m venv`` + ``pip install -r
tests/litellm-requirements.txt``; about a minute on a fresh machine) and reuses
while its requirements file is unchanged. ``LiteLLMProxy`` starts it on
127.0.0.1 with ``mock_response`` models, so it calls no provider; the cost map
is read from the package (``LITELLM_LOCAL_MODEL_COST_MAP``), so it fetches nothing.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-litellm"
REQUIREMENTS = ROOT / "tests" / "litellm-requirements.txt"

MODELS = """\
model_list:
  - model_name: mock-gpt
    litellm_params:
      model: openai/mock-gpt
      mock_response: "Hello from the LiteLLM mock."
  - model_name: mock-too-long
    litellm_params:
      model: openai/mock-too-long
      mock_response: "litellm.ContextWindowExceededError"
{extra}general_settings:
  master_key: {master_key}
"""


def ensure_venv() -> Path:
    """The proxy's ``litellm`` command, installing the venv first if it is missing."""
    stamp = VENV / "requirements.sha256"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    command = VENV / "bin" / "litellm"
    if command.exists() and stamp.exists() and stamp.read_text() == digest:
        return command
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)],
        check=True,
        timeout=1200,
    )
    stamp.write_text(digest)
    print(f"built {VENV.name} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LITELLM"))}
    env.update(LITELLM_LOCAL_MODEL_COST_MAP="True", NO_DOCKER="1", PYTHONUNBUFFERED="1")
    return env


class LiteLLMProxy:
    """``litellm --config`` on a free loopback port, no database."""

    def __init__(self, tmp: Path, master_key: str, extra_models: str = "") -> None:
        """``extra_models``: more ``model_list`` entries (YAML, indented as above)."""
        self.master_key = master_key
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.config = tmp / "litellm.yaml"
        models = MODELS.format(master_key=master_key, extra=extra_models)
        self.config.write_text(models, encoding="utf-8")
        self.log = tmp / "litellm.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120) -> LiteLLMProxy:
        self.process = subprocess.Popen(
            [
                str(ensure_venv()),
                "--config",
                str(self.config),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            env=environment(),
            cwd=self.config.parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return self  # it refused to start: see exit_code and output
            try:
                url = f"http://127.0.0.1:{self.port}/health/liveliness"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"LiteLLM did not start:\n{self.output()[-2000:]}")

    @property
    def exit_code(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
