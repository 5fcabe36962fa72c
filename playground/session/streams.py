"""Answers belong to the workspace, not to the browser tab that started them.

- ``launch``: start a card's ``StreamJob``, counted in the process's
  ``RunningJobs`` (so no model list is asked of its endpoint while it streams),
  saved at once when it finishes, stops or fails, and stopped by itself when no
  page has followed it for ``[timeouts] unfollowed`` seconds.
- ``publish``: once the workspace has a saved id, its running answers can be
  found by that id and the card's id.
- ``attach``: a session that opens a saved workspace (a reload, a link in another
  tab) follows the answers still streaming in it, live, instead of showing them
  "Stopped"; an answer with no stream behind it any more is marked stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from playground.chat.streaming import StreamJob
from playground.endpoints.targets import Target
from playground.session.services import Services
from playground.session.session import Session
from playground.workspace.types import Card, Message, Metrics, Workspace

log = logging.getLogger(__name__)


def launch(
    session: Session,
    services: Services,
    card: Card,
    target: Target,
    answer: Message,
    history: list[dict[str, Any]],
    cost: Callable[[Metrics], tuple[float, bool] | None] | None = None,
) -> StreamJob:
    """Start streaming ``target``'s answer to the card's history into ``answer``.

    The job exists before ``answer`` joins the card, and starts after: a card drawn
    at any moment in between never sees a streaming answer without its job (it
    would be marked stopped).
    """
    job = _job(session, services, card, target, answer, history, cost)
    session.runtime(card.id).job = job
    session.runtime(card.id).run_jobs = []
    card.messages.append(answer)
    _claim(session, services, card.id, job)
    return job.start()


def launch_runs(
    session: Session,
    services: Services,
    card: Card,
    target: Target,
    runs: int,
    earlier: list[Message],
    history: list[dict[str, Any]],
) -> list[StreamJob]:
    """Ask N times: ``runs`` answers to the same history, one job each, through the
    endpoint's gate. The first joins the card (the kept one, with ``earlier``), the rest
    are its ``runs``; each job is findable on its own (``run_key``), so a reload follows
    every one of them."""
    answers = [
        Message(role="assistant", status="streaming", model=target.model, run=n)
        for n in range(1, runs + 1)
    ]
    answers[0].earlier = earlier
    jobs = [_job(session, services, card, target, a, history, target.cost) for a in answers]
    kept = answers[0]
    kept.runs = answers[1:]
    runtime = session.runtime(card.id)
    runtime.job, runtime.run_jobs = jobs[0], jobs[1:]
    card.messages.append(kept)
    for job in jobs:
        _claim(session, services, run_key(card.id, job.message), job)
    return [job.start() for job in jobs]


def run_key(card_id: str, answer: Message) -> str:
    """What a running answer is found by: the card's id (its kept answer, or an answer
    asked once), or the card's id and the answer's tab number (the others asked with it)."""
    return card_id if answer.run <= 1 else f"{card_id}#{answer.run}"


def _job(
    session: Session,
    services: Services,
    card: Card,
    target: Target,
    answer: Message,
    history: list[dict[str, Any]],
    cost: Callable[[Metrics], tuple[float, bool] | None] | None,
) -> StreamJob:
    loaded = services.config()
    job = StreamJob(
        services.client(target.base_url, target.token, loaded.timeouts),
        model=target.model,
        history=history,
        target=answer,
        max_tokens=target.max_tokens,
        params=card.config.settings.request_params(),
        include_usage=target.base_url not in session.no_usage,
        on_usage_rejected=lambda url=target.base_url: session.no_usage.add(url),
        gate=services.gate(target.base_url),
        what=target.what,
        cost=cost,
        on_finish=services.jobs().finished,
        unfollowed_after=loaded.timeouts.unfollowed,
        api=target.api,
    )
    services.jobs().add(job, target.base_url, target.model)  # busy before the request goes out
    return job


def _claim(session: Session, services: Services, card_id: str, job: StreamJob) -> None:
    saver = session.saver
    if saver is not None and saver.workspace_id is not None and not job.done:
        services.jobs().claim(saver.workspace_id, card_id, job, saver)


def publish(session: Session, services: Services) -> None:
    """Make the session's running answers findable by its saved workspace's id."""
    for card in session.workspace.cards:
        job = session.job(card.id)
        if job is not None and not job.done and card.messages and job.message is card.messages[-1]:
            _claim(session, services, card.id, job)
        if card.messages:
            for run_job in session.runtime(card.id).run_jobs:
                if any(run_job.message is m for m in card.messages[-1].runs):
                    _claim(session, services, run_key(card.id, run_job.message), run_job)


def attach(session: Session, services: Services, workspace_id: str, workspace: Workspace) -> int:
    """Follow the answers still streaming in a just-opened workspace; how many.

    The opened card's last message is swapped for the live one the job fills
    (same id, the text so far). Call after ``replace_workspace`` and before the
    saver is set; answers left "streaming" with no job behind them are stopped.
    """
    live: list[Message] = []
    for card in workspace.cards:
        if not card.is_streaming:
            continue
        job = services.jobs().find(workspace_id, card.id)
        if job is not None and not job.done and job.message.id == card.messages[-1].id:
            card.messages[-1] = job.message
            session.runtime(card.id).job = job
            live.append(job.message)
        live += _attach_runs(session, services, workspace_id, card)
    for card in workspace.cards:  # what is still marked streaming has no stream behind it
        for message in (m for a in card.messages for m in [a, *a.runs]):
            if message.status == "streaming" and not any(message is m for m in live):
                message.status = "stopped"
    attached = len(live)
    if attached:
        log.info("a reopened workspace follows %d running answer(s)", attached)
    return attached


def _attach_runs(
    session: Session, services: Services, workspace_id: str, card: Card
) -> list[Message]:
    """The answers asked with the card's last one (Ask N times) that still stream: each
    swapped for the live message its job fills."""
    kept, live, jobs = card.messages[-1], [], []
    for index, run in enumerate(kept.runs):
        job = services.jobs().find(workspace_id, run_key(card.id, run))
        if run.status != "streaming" or job is None or job.done or job.message.id != run.id:
            continue
        kept.runs[index] = job.message
        live.append(job.message)
        jobs.append(job)
    session.runtime(card.id).run_jobs = jobs
    return live
