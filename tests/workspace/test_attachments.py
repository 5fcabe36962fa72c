"""Attachments: the exact content parts sent for an image and a text file, over real HTTP."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from PIL import Image

from playground.config.limits import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_REQUEST
from playground.errors import AttachmentRefused
from playground.session import commands
from playground.workspace.attachments import content_parts, make_attachment, prepare
from playground.workspace.export import export_json
from tests.fake_openai import FakeOpenAIServer
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]


def png(width: int = 4, height: int = 3) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_an_image_and_a_text_file_go_as_these_content_parts(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario()
    svc = services(A=url)
    session = on(svc)
    first, second = session.workspace.cards
    image = png()
    encoded = base64.b64encode(image).decode()
    commands.send_to_all(
        session, svc, "What is in these?", [("red.png", image), ("notes.md", b"# Notes\nhi")]
    )
    finish(session)
    mine = f"/{urlsplit(url).path.split('/')[1]}/"  # this test's scenario on the shared server
    bodies = [
        r.body
        for r in server.requests
        if r.path.startswith(mine) and r.path.endswith("/chat/completions")
    ]
    assert len(bodies) == 2
    for body in bodies:
        assert body is not None
        assert body["messages"][-1] == {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in these?\n\nnotes.md:\n```md\n# Notes\nhi\n```"},
                {
                    "type": "image_url",
                    "image_url": {"url": f"data:image/png;base64,{encoded}"},
                },
            ],
        }
    for card in (first, second):
        assert card.messages[-1].content == "[fake-small] turn 1: What is in these?" + (
            "\n\nnotes.md:\n```md\n# Notes\nhi\n``` [1 image(s)]"
        )
        assert [a.name for a in card.messages[0].attachments] == ["red.png", "notes.md"]
    # Saved and exported with the workspace (JSON).
    exported = export_json(session.workspace).decode()
    assert base64.b64encode(image).decode() in exported and '"notes.md"' in exported


def test_files_that_cannot_be_sent_are_named_and_the_prompt_still_goes(
    scenario: Scenario,
) -> None:
    svc = services(A=scenario(reply="ok"))
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(
        session,
        svc,
        [card.id],
        "look",
        [
            ("evil.png", b"<svg onload=alert(1)>"),
            ("a.exe", b"MZ"),
            ("big.txt", b"x" * (MAX_ATTACHMENT_BYTES + 1)),
        ],
    )
    finish(session)
    assert card.messages[0].content == "look" and card.messages[0].attachments == []
    assert card.messages[-1].content == "ok"
    assert session.notices == [
        "'evil.png' is not a PNG, JPEG, WebP or GIF image.",
        "'a.exe' cannot be sent: attach images (PNG, JPEG, WebP, GIF) or text files "
        "(txt, md, csv, json, source code).",
        "'big.txt' is 10.0 MB; a file may be at most 10.0 MB.",
    ]


def test_request_limits_and_image_checks() -> None:
    kept, problems = prepare([(f"f{i}.txt", b"x") for i in range(MAX_ATTACHMENTS_PER_REQUEST + 1)])
    assert len(kept) == MAX_ATTACHMENTS_PER_REQUEST and len(problems) == 1
    assert "at most 8" in problems[0]
    with pytest.raises(AttachmentRefused, match="9000×2 pixels"):
        make_attachment("wide.png", png(9000, 2))
    with pytest.raises(AttachmentRefused, match="not UTF-8"):
        make_attachment("bin.txt", b"\xff\xfe\x00")
    assert content_parts("plain", []) == "plain"
