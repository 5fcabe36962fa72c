"""Streamlit messages a page run sends: the first page, and one prompt's page run.

One session (``load.py``'s client: Streamlit's own protobuf messages over
``websockets``) opens the app with 4 cards on the test server, then sends each card
its own prompt from the card's own input and counts what the app sends until the
answer has ended: messages, bytes and script runs. Fewer messages per run is less
of the app's GIL held per interaction, which is what 16 sessions share (issue 30).
Usage: ``python benchmarks/page_messages.py``.
"""

from __future__ import annotations

import asyncio

import load
from common import fake_server_process, machine

from tests.streamlit_client import StreamlitSession  # on the path through common

CARDS = 4


async def _count(port: int) -> None:
    session = StreamlitSession(f"ws://127.0.0.1:{port}/_stcore/stream")
    await session.connect()
    reader = asyncio.create_task(session.receive())
    await session.rerun("&".join(["card=Load:fake-small"] * CARDS) + "&sync=0")
    await asyncio.wait_for(session.finished.wait(), 60)
    await asyncio.sleep(1)
    print(f"# Streamlit messages per page run ({machine()})")
    print("| what | messages | kB | script runs |")
    print("|---|---|---|---|")
    print(f"| first page, {CARDS} cards | {session.messages} | {session.bytes / 1000:.1f} | 1 |")
    order = sorted(session.inputs, key=lambda card: session.cards[card].prefix)
    for number, card in enumerate(order, start=1):
        messages, sent, runs = session.messages, session.bytes, session.runs
        await session.send_prompt(card, f"hello{number}")
        await asyncio.sleep(4)  # the answer (about 2 s) and its end
        print(
            f"| prompt to card {number}, to its end | {session.messages - messages} "
            f"| {(session.bytes - sent) / 1000:.1f} | {session.runs - runs} |"
        )
    reader.cancel()
    await session.close()


def main() -> None:
    with fake_server_process(100, 50.0) as urls, load.apps(urls["fast"], 1, None) as procs:
        asyncio.run(_count(procs[0][0]))


if __name__ == "__main__":
    main()
