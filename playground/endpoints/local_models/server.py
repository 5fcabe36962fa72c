"""An embedded model's llama.cpp server: started on first use, stopped with the app.

``LocalModelServer`` finds the model's GGUF file (assembling it the first time,
for Gemma), starts ``python -m llama_cpp.server`` on a free loopback port,
health-checks it, and stops it when the app exits (``atexit``, and on Linux
``PR_SET_PDEATHSIG`` in case the app is killed). Each embedded model gets its
own server, so two models answer at the same time. One instance per model is
shared by every session of the app process (the UI keeps them in
``st.cache_resource``); all of its methods are thread-safe. Progress and
failures are published as a ``LocalStatus`` so a card can show them while the
model starts.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from playground.endpoints.local_models.models import LocalModelSpec

log = logging.getLogger(__name__)

Phase = Literal["idle", "assembling", "loading", "ready", "failed", "stopped"]


@dataclass(frozen=True)
class LocalStatus:
    phase: Phase
    detail: str = ""
    base_url: str | None = None

    @property
    def ready(self) -> bool:
        return self.phase == "ready"

    @property
    def busy(self) -> bool:
        return self.phase in ("assembling", "loading")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM if the thread that started it dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _warm_up(base_url: str, model_id: str) -> None:
    """Generate one token, so the first person's answer does not pay llama.cpp's first-run cost.

    Measured on 2 cores: the first request after loading took 3 to 5 s to its first
    token, the next ones 0.04 s. A failure here is not fatal: the server is up.
    """
    messages = [{"role": "user", "content": "Hello"}]
    body = json.dumps({"model": model_id, "messages": messages, "max_tokens": 1}).encode()
    request = urllib.request.Request(
        f"{base_url}/chat/completions", body, {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60.0) as response:
            response.read()
    except (urllib.error.URLError, OSError) as exc:
        log.warning("warming up %s failed: %s", model_id, type(exc).__name__)


class LocalModelServer:
    """Starts, health-checks and stops one embedded model's llama.cpp server."""

    def __init__(
        self,
        spec: LocalModelSpec,
        *,
        n_ctx: int = 4096,
        startup_timeout: float = 180.0,
        model_path: Callable[[], Path] | None = None,
        python: str = sys.executable,
    ) -> None:
        self.spec = spec
        self._n_ctx = n_ctx
        self._startup_timeout = startup_timeout
        self._model_path = model_path or spec.model_path
        self._python = python
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._status = LocalStatus("idle")
        self._proc: subprocess.Popen[bytes] | None = None
        self._supervisor: threading.Thread | None = None
        self._stderr_tail: deque[str] = deque(maxlen=20)
        atexit.register(self.stop)

    # -- public --------------------------------------------------------
    @property
    def status(self) -> LocalStatus:
        with self._lock:
            return self._status

    def ensure_started(self) -> LocalStatus:
        """Start the server in the background unless it is running or starting."""
        with self._lock:
            if self._status.phase in ("idle", "failed", "stopped"):
                self._status = LocalStatus("assembling", "Preparing the model file…")
                self._supervisor = threading.Thread(
                    target=self._supervise, name=f"local-model-{self.spec.key}", daemon=True
                )
                self._supervisor.start()
            return self._status

    def wait(self, timeout: float, seen: LocalStatus | None = None) -> LocalStatus:
        """Block until the status differs from ``seen`` (or timeout); return it."""
        with self._changed:
            self._changed.wait_for(lambda: self._status != seen, timeout=timeout)
            return self._status

    def stop(self) -> None:
        with self._lock:
            proc = self._proc
            self._proc = None
            if self._status.phase != "idle":
                self._status = LocalStatus("stopped", "The local model was stopped.")
            self._changed.notify_all()
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None else None

    # -- the supervisor thread ----------------------------------------
    def _set(self, status: LocalStatus) -> None:
        with self._lock:
            if self._status.phase == "stopped" and status.phase != "stopped":
                return
            self._status = status
            self._changed.notify_all()

    def _supervise(self) -> None:
        try:
            path = self._model_path()
        except Exception as exc:
            self._set(LocalStatus("failed", f"The model file could not be prepared: {exc}"))
            return
        self._set(LocalStatus("loading", "Loading the model…"))
        port = _free_port()
        # No --chat_format: llama.cpp then uses the chat template inside the .gguf.
        chat_format = ["--chat_format", self.spec.chat_format] if self.spec.chat_format else []
        cmd = [
            self._python, "-m", "llama_cpp.server",
            "--model", str(path),
            "--model_alias", self.spec.model_id,
            *chat_format,
            "--host", "127.0.0.1",
            "--port", str(port),
            "--n_ctx", str(self._n_ctx),
            "--verbose", "False",
            "--interrupt_requests", "False",  # a second card waits, never cuts the first
        ]  # fmt: skip
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except OSError as exc:
            self._set(LocalStatus("failed", f"The llama.cpp server could not start: {exc}"))
            return
        with self._lock:
            if self._status.phase == "stopped":
                proc.terminate()
                return
            self._proc = proc
        threading.Thread(target=self._drain_stderr, args=(proc,), daemon=True).start()
        base_url = f"http://127.0.0.1:{port}/v1"
        if self._wait_healthy(proc, base_url):
            self._set(LocalStatus("loading", "Warming up the model…"))
            _warm_up(base_url, self.spec.model_id)
            self._set(LocalStatus("ready", "Ready.", base_url))
        # Stay alive as long as the server: Linux ties PDEATHSIG to this thread.
        code = proc.wait()
        with self._lock:
            if self._proc is proc and self._status.phase != "failed":
                self._proc = None
                tail = " ".join(self._stderr_tail)[-400:]
                self._status = LocalStatus(
                    "failed",
                    f"The llama.cpp server exited with code {code}. {tail}".strip(),
                )
                self._changed.notify_all()

    def _wait_healthy(self, proc: subprocess.Popen[bytes], base_url: str) -> bool:
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False  # _supervise reports the exit
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2.0) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self._set(
            LocalStatus(
                "failed", f"The local model did not answer within {self._startup_timeout:.0f} s."
            )
        )
        proc.terminate()
        return False

    def _drain_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                self._stderr_tail.append(line)
