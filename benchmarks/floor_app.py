"""The floor of the playground's way of streaming: the least a Streamlit page can do.

Not the app: a page of C cards, each a parallel fragment following a background
stream (openai SDK), each with its own chat input drawn by the page, as the
playground does (a prompt from a card's input starts a page run, the running
one stops, and every card follows its stream again in the new run). Nothing
else: no selectors, settings, history, store or metrics. ``load.py --script
benchmarks/floor_app.py`` drives it exactly as it drives the app, so what the
app measures over this is the app's own cost, and what this measures short of
the targets is Streamlit's (one script run at a time per session, on one
interpreter) on this machine.
"""

from __future__ import annotations

import os
import threading
import time
import tomllib

import openai
import streamlit as st

from playground.ui import streamlit_races

MODEL = "fake-small"
REDRAW = 0.05  # seconds between a card's redraws: the app's 20 a second


@st.cache_resource
def _client() -> openai.OpenAI:
    with open(os.environ["PLAYGROUND_CONFIG"], "rb") as file:
        url = tomllib.load(file)["endpoints"][0]["base_url"]
    return openai.OpenAI(base_url=url, api_key="none", max_retries=0)


class _Job:
    """One answer streaming in a thread of its own."""

    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        self.text = ""
        self.done = False
        self.changed = threading.Condition()
        threading.Thread(target=self._stream, daemon=True).start()

    def _stream(self) -> None:
        messages = [{"role": "user", "content": self.prompt}]
        try:
            stream = _client().chat.completions.create(
                model=MODEL,
                messages=messages,
                stream=True,  # type: ignore[arg-type]
            )
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    with self.changed:
                        self.text += chunk.choices[0].delta.content
                        self.changed.notify_all()
        finally:
            with self.changed:
                self.done = True
                self.changed.notify_all()

    def wait(self, seen: str, timeout: float) -> tuple[str, bool]:
        with self.changed:
            if self.text == seen and not self.done:
                self.changed.wait(timeout)
            return self.text, self.done


def _send(jobs: dict[str, _Job], card_id: str) -> None:
    prompt = st.session_state.get(f"card-{card_id}-input")
    if prompt:
        jobs[card_id] = _Job(prompt)


@st.fragment(parallel=True)
def _card(jobs: dict[str, _Job], card_id: str) -> None:
    job = jobs.get(card_id)
    if job is None:
        return
    with st.chat_message("user"):
        st.markdown(job.prompt)
    slot = st.chat_message("assistant").empty()
    text = ""
    while True:
        text, done = job.wait(text, REDRAW)
        if done:
            slot.markdown(text)
            return
        slot.markdown(text + " ▌")  # a yield point: a new run stops this one here
        time.sleep(REDRAW)


streamlit_races.install()  # as the app does: no interaction is lost
jobs: dict[str, _Job] = st.session_state.setdefault("jobs", {})
for card_id in map(str, range(len(st.query_params.get_all("card")))):
    with st.container(border=True, key=f"pgcard-{card_id}"):
        _card(jobs, card_id)
        st.chat_input(
            "Message this card", key=f"card-{card_id}-input", on_submit=_send, args=(jobs, card_id)
        )
