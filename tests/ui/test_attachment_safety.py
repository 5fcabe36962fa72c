"""Attachments that cannot hurt: long names, damaged and camera images, a photo sent to
every card (stored once, counted before sending), previews from a small thumbnail."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from playground.errors import AttachmentRefused
from playground.store import StoreConfig, WorkspaceStore
from playground.ui.text import label
from playground.workspace.attachments import make_attachment
from playground.workspace.export import export_json, import_json
from playground.workspace.types import Attachment, Message, Workspace
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def noise_png(target_bytes: int) -> bytes:
    """A PNG of random pixels (it does not compress): about ``target_bytes`` long."""
    side = int((target_bytes / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


# -- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a" * 300 + ".png", id="ascii"),
        pytest.param("👨‍👩‍👧‍👦" * 80 + ".png", id="zwj-emoji-graphemes"),
        pytest.param("e\u0301" * 200 + ".png", id="combining-marks"),
        pytest.param("𠀀" * 300 + ".png", id="astral-cjk"),
        pytest.param("x\x00y\n\u202e\x1b[31m" * 60 + ".png", id="control-chars"),
    ],
)
def test_a_long_or_odd_name_is_shortened_safely_and_the_prompt_goes(
    scenario: Scenario, name: str
) -> None:
    svc = services(A=scenario(reply="ok"))
    session = on(svc)
    card = session.workspace.cards[0]
    from playground.session import commands

    commands.send(session, svc, [card.id], "look at this", [(name, png())])
    finish(session)
    prompt = card.messages[0]
    assert prompt.content == "look at this"
    [attachment] = prompt.attachments
    shown = attachment.name
    assert len(shown) <= 255 and shown.endswith(".png")
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in shown)
    assert not any(ch in shown for ch in "\u202e\u200e\u2066")
    stem = shown.removesuffix(".png").removesuffix("…")
    clean = "".join(
        ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs") and ch != "\u202e"
    )
    assert clean.startswith(stem)  # a prefix: nothing invented
    if "👨" in name:  # whole family emoji only: 7 code points each
        assert len(stem) % 7 == 0
    if "\u0301" in name:  # never a letter without its accent
        assert len(stem) % 2 == 0
    assert card.messages[-1].content == "ok"


# -- decoding when accepted --------------------------------------------------------------


def test_a_truncated_png_is_refused_and_the_prompt_still_goes(scenario: Scenario) -> None:
    whole = noise_png(60_000)
    cut = whole[: len(whole) // 2]
    with Image.open(io.BytesIO(cut)) as image:  # the header alone looks fine
        assert image.size[0] > 0
    svc = services(A=scenario(reply="ok"))
    session = on(svc)
    from playground.session import commands

    commands.send_to_all(session, svc, "what is it?", [("cut.png", cut)])
    finish(session)
    for card in session.workspace.cards:
        assert card.messages[0].content == "what is it?" and card.messages[0].attachments == []
        assert card.messages[-1].content == "ok"
    assert session.notices == [
        "'cut.png' could not be read as a whole image (it is damaged or cut short), "
        "so it was not sent."
    ]


def test_a_camera_jpeg_read_as_mpo_goes_as_the_jpeg_it_is() -> None:
    first = Image.new("RGB", (80, 60), (10, 120, 200))
    second = Image.new("RGB", (80, 60), (200, 120, 10))
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "MPO"
    attachment = make_attachment("IMG_0001.JPG", data)
    assert attachment.mime == "image/jpeg"
    sent = base64.b64decode(attachment.data)
    assert len(sent) < len(data) // 2 + 100  # the first image only
    with Image.open(io.BytesIO(sent)) as image:
        assert image.format == "JPEG"  # a plain JPEG now: no index of images that are gone
        image.load()
        assert image.getpixel((40, 30)) == pytest.approx((10, 120, 200), abs=4)
    assert attachment.thumbnail


def test_an_image_gets_a_small_thumbnail_when_accepted() -> None:
    attachment = make_attachment("wide.png", png(4000, 1000))
    assert attachment.thumbnail is not None
    with Image.open(io.BytesIO(base64.b64decode(attachment.thumbnail))) as thumb:
        assert max(thumb.size) <= 240 and thumb.size[0] == 240
    assert make_attachment("n.txt", b"hi").thumbnail is None


def test_a_huge_stated_size_is_refused_before_any_pixel_is_decoded() -> None:
    # 30,000 x 30,000 is past Pillow's own bomb guard (DecompressionBombError).
    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, format="PNG")
    with pytest.raises(AttachmentRefused, match="far larger than the limits; images may be at"):
        make_attachment("bomb.png", out.getvalue())


# -- stored once per workspace, counted before sending ------------------------------------


def test_a_photo_sent_to_two_cards_is_stored_once(scenario: Scenario, tmp_path: Path) -> None:
    photo = noise_png(int(2.5 * 1024 * 1024))
    encoded = base64.b64encode(photo).decode()
    svc = services(A=scenario(reply="ok"))
    session = on(svc)
    from playground.session import commands

    commands.send_to_all(session, svc, "describe", [("photo.png", photo)])
    finish(session)
    assert session.notices == []
    data = session.workspace.model_dump_json()
    assert data.count(encoded) == 1
    assert len(data) < len(encoded) + 100_000  # well within the 4 MiB workspace limit
    store = WorkspaceStore(f"sqlite:///{tmp_path / 'ws.db'}")
    stored_id = store.create(session.workspace, None)
    loaded = store.load(stored_id)
    assert loaded is not None
    for card in loaded.workspace.cards:
        [attachment] = card.messages[0].attachments
        assert attachment.data == encoded and attachment.name == "photo.png"
    # Export and import keep it once, and give the same bytes again.
    exported = export_json(session.workspace)
    assert exported.decode().count(encoded) == 1
    again = import_json(exported, endpoints=["A"], max_cards=8)
    assert export_json(again) == exported


def test_a_workspace_saved_before_stores_each_file_inline_and_still_loads() -> None:
    encoded = base64.b64encode(png()).decode()
    old = {
        "cards": [
            {
                "id": card_id,
                "messages": [
                    {
                        "id": f"m{card_id}",
                        "role": "user",
                        "content": "hi",
                        "attachments": [{"name": "r.png", "mime": "image/png", "data": encoded}],
                    }
                ],
            }
            for card_id in ("c1", "c2")
        ]
    }
    workspace = Workspace.model_validate(old)
    assert [c.messages[0].attachments[0].data for c in workspace.cards] == [encoded, encoded]
    assert workspace.model_dump_json().count(encoded) == 1


def test_files_past_the_workspace_limit_are_refused_before_sending(
    scenario: Scenario, tmp_path: Path
) -> None:
    svc = services(tmp_path, A=scenario(reply="ok"))
    svc.loaded.store = StoreConfig(data_dir=str(tmp_path / "data"), max_workspace_bytes=1024**2)
    session = on(svc)
    from playground.session import commands

    photo = noise_png(900_000)  # 1.2 MB in base64: past the 1 MiB workspace
    commands.send_to_all(session, svc, "my long prompt", [("photo.png", photo)])
    finish(session)
    assert all(card.messages == [] for card in session.workspace.cards)
    [notice] = session.notices
    assert re.match(r"Not sent: with 'photo\.png' this workspace would take 1\.[1-2] MB;", notice)
    assert "it may take at most 1.0 MB" in notice and notice.endswith("my long prompt")
    # A small file still fits, and goes.
    session.notices.clear()
    commands.send_to_all(session, svc, "small", [("red.png", png())])
    finish(session)
    assert session.notices == []
    assert all(card.messages[-1].content == "ok" for card in session.workspace.cards)


def test_a_damaged_image_saved_before_draws_as_a_note_not_an_error() -> None:
    from streamlit.testing.v1 import AppTest

    def page(data: str) -> None:
        from playground.ui.card.attachments import previews
        from playground.workspace.types import Attachment, Message

        attachment = Attachment(name="cut.png", mime="image/png", data=data)
        previews(Message(role="user", content="hi", attachments=[attachment]))

    cut = base64.b64encode(noise_png(20_000)[:5_000]).decode()
    at = AppTest.from_function(page, args=(cut,), default_timeout=30).run()
    assert not at.exception
    [caption] = at.caption
    assert caption.value == ":material/broken_image: " + label(
        "cut.png: no preview (the image could not be read)"
    )


def test_previews_come_from_the_thumbnail_not_the_file() -> None:
    from streamlit.testing.v1 import AppTest

    def page(thumbnail: str) -> None:
        from playground.ui.card.attachments import previews
        from playground.workspace.types import Attachment, Message

        # The file's bytes are not an image at all: only the thumbnail can be drawn.
        attachment = Attachment(name="big.png", mime="image/png", data="AAAA", thumbnail=thumbnail)
        previews(Message(role="user", content="hi", attachments=[attachment]))

    thumb = make_attachment("p.png", png()).thumbnail
    at = AppTest.from_function(page, args=(thumb,), default_timeout=30).run()
    assert not at.exception and not at.caption


def test_an_attachment_refers_to_its_file_by_sha256() -> None:
    import hashlib

    attachment = Attachment(name="a.txt", mime="text/plain", data="hello")
    assert attachment.id == hashlib.sha256(b"hello").hexdigest()
    message = Message(role="user", attachments=[attachment])
    assert message.attachments[0].id == attachment.id


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        pytest.param("../../etc/passwd.txt", "passwd.txt", id="folders"),
        pytest.param("C:\\Users\\me\\notes.md", "notes.md", id="windows-folders"),
        pytest.param("\x00\x1f.png", "file.png", id="nothing-left-but-the-extension"),
        pytest.param("evil\u202egnp.exe", "evilgnp.exe", id="bidi-override"),
        pytest.param("a\ud800b.txt", "ab.txt", id="lone-surrogate"),
        pytest.param("café.png", "café.png", id="unchanged"),
    ],
)
def test_safe_file_name(given: str, kept: str) -> None:
    from playground.workspace.file_names import safe_file_name

    assert safe_file_name(given) == kept


_DECODE_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path
from playground.workspace.attachments import make_attachment

def hwm():
    with open("/proc/self/status", encoding="ascii") as status:
        return int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) * 1024

if __name__ == "__main__":
    data = Path(sys.argv[1]).read_bytes()
    make_attachment("warm.png", sys.stdin.buffer.read())  # the evaluator's workers are up
    peak = hwm()
    attachment = make_attachment("huge.png", data)
    print(len(data), bool(attachment.thumbnail), hwm() - peak)
"""


def test_a_large_image_is_decoded_outside_the_app_process(tmp_path: Path) -> None:
    script, image = tmp_path / "decode.py", tmp_path / "huge.png"
    script.write_text(_DECODE_IN_A_FRESH_PROCESS, encoding="utf-8")
    Image.new("RGB", (8192, 4882), (200, 30, 30)).save(image, format="PNG")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, str(script), str(image)],
        input=png(),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    size, thumbnail, growth = done.stdout.split()
    assert int(size) < 1_000_000  # a small file that decodes to 120 MB of pixels
    assert thumbnail == b"True"
    assert int(growth) < 50_000_000  # once +154 MB in the app for each such image
