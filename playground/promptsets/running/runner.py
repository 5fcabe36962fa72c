"""Running a prompt set: every row on every column, in background threads.

One coordinating thread, and per endpoint (base URL) as many workers as its concurrency
limit. Each answer is one single-turn ``StreamJob`` (a chat card's streaming, timing and
error mapping; with mock results on, one a tool round: ``promptsets.rounds``) holding
the endpoint's shared gate (``Services.gate``), so the run and the cards together never
pass the limit. A failed cell is a result like any other; it never stops the run.
Results go to a ``CellWriter`` and are let go of once saved (``ledger.Results``: the
run keeps a few bytes an answer). With a judge, each finished answer of another column
queues a scoring request on the judge's endpoint.
``stop()`` cancels what is in flight (kept as "stopped", asked again on resume); a
page only follows a run (``snapshot``, ``cells``).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from playground.chat.streaming import StreamJob
from playground.config.limits import PROMPT_SET_WORKERS_PER_ENDPOINT
from playground.endpoints.clients import EndpointClient
from playground.endpoints.targets import Target
from playground.errors import PromptSetProblem
from playground.promptsets.checks.checks import parse_checks
from playground.promptsets.checks.judge import judge_template
from playground.promptsets.records import CellKey, CellResult, RunSpec, RunStatus
from playground.promptsets.running.cells import answered_cell, failed_cell, scored
from playground.promptsets.running.ledger import DONE, ERROR, Results
from playground.promptsets.running.progress import Progress, RunServices
from playground.promptsets.running.rounds import run_exchange
from playground.promptsets.store import CellWriter
from playground.workspace.types import Message, SamplingSettings

log = logging.getLogger(__name__)
Task = tuple[str, CellKey]  # ("answer" | "judge", (row, col, run))


class PromptSetRunner:
    """Runs ``spec`` on ``targets`` (one per column: a ``Target``, or why it cannot send)."""

    def __init__(
        self,
        run_id: str,
        spec: RunSpec,
        targets: list[Target | str],
        services: RunServices,
        *,
        cells: dict[CellKey, CellResult] | Iterable[CellResult] | None = None,
        writer: CellWriter | None = None,
        retry_errors: bool = False,
        no_usage: set[str] | None = None,
    ) -> None:
        self.run_id = run_id
        self.owner: str | None = None  # who started it (signed in), for who may follow it
        self.spec = spec
        self._targets = targets
        self._writer = writer
        self._no_usage = no_usage if no_usage is not None else set()
        saved = cells.values() if isinstance(cells, dict) else cells or ()
        self._results = Results(spec, saved, writer)
        self._ledger = self._results.ledger
        self._cond = threading.Condition()
        self._stopped = threading.Event()
        self._live: set[StreamJob] = set()
        self._version = 0
        self._finished = False
        self.status: RunStatus = "running"
        self._checks = [parse_checks(row.expected, row=row.number) for row in spec.rows]
        self._judge = judge_template(spec.judge.prompt) if spec.judge else None
        self._judged = set(spec.judged_columns())
        loaded = services.config()  # asked here, in the caller's thread, as a chat card does
        timeouts, self._limit = loaded.timeouts, loaded.limits.max_concurrent_per_endpoint
        self._gates = {
            t.base_url: services.gate(t.base_url) for t in targets if isinstance(t, Target)
        }
        self._clients: list[EndpointClient | None] = [
            services.client(t.base_url, t.token, timeouts) if isinstance(t, Target) else None
            for t in targets
        ]
        self._answers: dict[str, Iterator[CellKey]] = {}
        self._judging: dict[str, deque[Task]] = {}
        self._open_judged = 0  # answers still to come that the judge will score
        self._plan(retry_errors)
        self._thread = threading.Thread(target=self._run, name="promptset-run", daemon=True)

    def _key(self, col: int) -> str | None:
        target = self._targets[col]
        return target.base_url if isinstance(target, Target) else None

    def _plan(self, retry_errors: bool) -> None:
        """Queue the missing answers, and scores for saved answers that lack one."""
        judge_key = self._key(self.spec.judge.column) if self.spec.judge else None
        for at in self.spec.answer_keys():
            r, c, _ = at
            status = self._ledger.status(at)
            redo = status not in (DONE, ERROR) or (retry_errors and status == ERROR)
            if redo:
                key = self._key(c)
                if key is None:  # the card cannot send: every cell says why
                    self._record(failed_cell(at, str(self._targets[c]), self._checks[r]))
                    continue
                if key not in self._answers:  # made as asked: no task list held in memory
                    self._answers[key] = self._ledger.todo(self._of(key), retry_errors)
                self._open_judged += c in self._judged
            elif c in self._judged and status == DONE and not self._ledger.is_judged(at):
                self._queue_judge(at, judge_key)

    def _of(self, key: str) -> Iterator[CellKey]:
        return (at for at in self.spec.answer_keys() if self._key(at[1]) == key)

    def _queue_judge(self, at: CellKey, judge_key: str | None) -> None:
        if judge_key is None:
            judge = self.spec.judge
            why = str(self._targets[judge.column]) if judge else "no judge"
            if (cell := self._results.cell(at)) is not None:
                self._record(cell.model_copy(update={"judge_error": why}))
            return
        self._judging.setdefault(judge_key, deque()).append(("judge", at))

    def start(self) -> PromptSetRunner:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Cancel the answers in flight (kept as stopped) and start no new one. Never blocks."""
        self._stopped.set()
        with self._cond:
            live = list(self._live)
            self._cond.notify_all()
        for job in live:
            job.cancel()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def cells(self, rows: range | None = None) -> dict[CellKey, CellResult]:
        """The answers so far (of ``rows`` only, when given)."""
        return self._results.cells(rows)

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def save_error(self) -> str | None:
        error = self._writer.last_error if self._writer is not None else None
        return error.message if error is not None else None

    def snapshot(self) -> Progress:
        judged = len(self.spec.rows) * len(self.spec.judged_columns()) * self.spec.runs
        with self._cond:
            ledger, version, stopped = self._ledger, self._version, self._stopped.is_set()
            return Progress(
                ledger.answered,
                self.spec.answers_total,
                ledger.judged,
                judged,
                version,
                self._finished,
                stopped,
            )

    def _run(self) -> None:
        # As many workers as the hard cap, else a bound: the gate adapts below it.
        limit = self._limit or PROMPT_SET_WORKERS_PER_ENDPOINT
        keys = set(self._answers) | set(self._judging)
        if self.spec.judge and (judge_key := self._key(self.spec.judge.column)):
            keys.add(judge_key)
        workers = [
            threading.Thread(target=self._work, args=(key,), name="promptset-worker", daemon=True)
            for key in sorted(keys)
            for _ in range(limit)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        complete = self._ledger.complete
        self.status = "done" if complete and not self._stopped.is_set() else "stopped"
        if self._writer is not None:
            self._writer.close(self.status)
        with self._cond:
            self._finished = True
            self._version += 1
            self._cond.notify_all()

    def _next(self, key: str) -> Task | None:
        judge_key = self._key(self.spec.judge.column) if self.spec.judge else None
        with self._cond:
            while not self._stopped.is_set():
                if self._judging.get(key):
                    return self._judging[key].popleft()
                if (todo := self._answers.get(key)) is not None:
                    if (at := next(todo, None)) is not None:
                        return ("answer", at)
                    del self._answers[key]
                if key != judge_key or self._open_judged == 0:
                    return None
                self._cond.wait(0.5)  # the judge waits for answers to score
            return None

    def _work(self, key: str) -> None:
        while (task := self._next(key)) is not None:
            kind, at = task
            try:
                if kind == "answer":
                    self._answer(at)
                else:
                    self._score(at)
            except Exception as exc:  # a bug must cost one cell, not the run
                log.warning("prompt-set cell failed unexpectedly: %s", type(exc).__name__)
                if kind == "answer":
                    why = f"Failed unexpectedly ({type(exc).__name__})."
                    self._answered(failed_cell(at, why, self._checks[at[0]]))

    def _stream(
        self, col: int, history: list[dict[str, Any]], settings: SamplingSettings
    ) -> Message:
        """One single-turn answer from column ``col``'s endpoint (or the judge's)."""
        target = self._targets[col]
        client = self._clients[col]
        assert isinstance(target, Target) and client is not None
        message = Message(role="assistant", status="streaming")
        job = StreamJob(
            client,
            model=target.model,
            history=history,
            target=message,
            max_tokens=target.max_tokens,
            params=settings.request_params(),
            include_usage=target.base_url not in self._no_usage,
            on_usage_rejected=lambda url=target.base_url: self._no_usage.add(url),
            gate=self._gates[target.base_url],
            what=target.what,
            cost=target.cost,
            flush_interval=3600,  # nobody follows a cell's text as it streams
            api=target.api,
        )
        with self._cond:
            if self._stopped.is_set():
                message.status = "stopped"
                return message
            self._live.add(job)
        try:
            job.start().join()
        finally:
            with self._cond:
                self._live.discard(job)
        return message

    def _answer(self, at: CellKey) -> None:
        r, c, _ = at
        settings = self.spec.columns[c].config.settings
        system = settings.system_prompt.strip()
        history = [{"role": "system", "content": system}] if system else []
        history.append({"role": "user", "content": self.spec.rows[r].prompt})
        mocks = settings.tool_mocks if self.spec.mock_results else None
        done = run_exchange(lambda sent: self._stream(c, sent, settings), history, mocks)
        form, stop = settings.response_format, self._stopped  # Stop ends the checks too
        self._answered(answered_cell(at, done.answer, self._checks[r], form, stop, done.rounds))

    def _answered(self, cell: CellResult) -> None:
        self._record(cell)
        if cell.col in self._judged:
            with self._cond:
                self._open_judged -= 1
                if cell.status == "done":
                    judge = self.spec.judge
                    key = self._key(judge.column) if judge else None
                    self._queue_judge(cell.key, key)
                self._cond.notify_all()

    def _score(self, at: CellKey) -> None:
        judge = self.spec.judge
        assert judge is not None and self._judge is not None
        cell = self._results.cell(at)
        if cell is None:
            return  # not saved (the store failed): scored on resume
        prompt = self.spec.rows[at[0]].prompt
        values = {"rubric": judge.rubric, "prompt": prompt, "answer": cell.text}
        try:
            prompt = self._judge.render(values)
        except PromptSetProblem as exc:
            self._record(cell.model_copy(update={"judge_error": exc.message}))
            return
        settings = self.spec.columns[judge.column].config.settings
        reply = self._stream(judge.column, [{"role": "user", "content": prompt}], settings)
        if reply.status == "stopped":
            return  # scored on resume
        self._record(scored(cell, reply))

    def _record(self, cell: CellResult) -> None:
        self._results.record(cell)
        with self._cond:
            self._version += 1
            self._cond.notify_all()
