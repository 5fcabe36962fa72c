"""What a run needs from the app (``RunServices``) and what it tells the page (``Progress``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from playground.config.settings import LoadedConfig, Timeouts
from playground.endpoints.clients import EndpointClient


class RunServices(Protocol):
    """What a run needs of ``playground.session.Services``: config, clients, gates."""

    def config(self) -> LoadedConfig: ...

    def client(self, base_url: str, token: str | None, timeouts: Timeouts) -> EndpointClient: ...

    def gate(self, base_url: str) -> threading.Semaphore: ...


@dataclass(frozen=True)
class Progress:
    answers_done: int
    answers_total: int
    scores_done: int
    scores_total: int
    version: int
    finished: bool
    stopped: bool

    @property
    def label(self) -> str:
        text = f"{self.answers_done} / {self.answers_total} answers"
        if self.scores_total:
            text += f" · {self.scores_done} / {self.scores_total} scores"
        return text
