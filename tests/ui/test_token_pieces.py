"""Token counting never raises, whatever the text (issue 27).

bpe-openai refuses more than 200,000 tokens in one encode (``TokenLimitError``) and a
text of 1,000,000 characters (``ValueError: Input too long``): a 100,000-character
prompt of CJK Extension-B characters, or a 1 MB text attachment, on a card whose model
is an OpenAI id, replaced the page with an exception box. Such texts are now counted in
pieces (``playground.costs.tokenizers.pieces``): exact where the cuts are where the tokenizer
splits anyway, else marked as estimated. References are tiktoken's own counts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta

import pytest
import tiktoken
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from playground.costs.context import check_fits, context_use
from playground.costs.tokenizers import PIECE_CHARS, _encoder, count_text, counter_for, pieces
from playground.costs.tokens import count_tokens
from playground.errors import OverContextWindow
from playground.ui.state import widget_key
from tests.costs.test_tokenizers import reference
from tests.helpers import assert_cards_drawn, cards, key, new_app, sync_off

# 100,000 characters of CJK Unified Ideographs Extension B (U+20000..): 4 UTF-8 bytes
# and about 4 o200k tokens each, twice the tokenizer's 200,000-token limit.
EXTENSION_B = "".join(chr(0x20000 + i % 42_720) for i in range(100_000))
# A 1 MB text file as an attachment reaches the model: prose, lines, indentation.
MEGABYTE = (
    "The quick brown fox jumps over the lazy dog; 1234567 items.\n\tIndented: 3.14\n" * 14_000
)[:1_000_000]


@pytest.fixture(scope="module")
def o200k(tmp_path_factory: pytest.TempPathFactory) -> tiktoken.Encoding:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return reference("o200k_base", tmp_path_factory.mktemp("tiktoken"), monkeypatch)


def encode() -> Callable[[str], list[int]]:
    found = _encoder("o200k_base")
    assert found is not None
    return found


def test_the_tokenizer_itself_refuses_both_texts() -> None:
    # What the app called before: the reason for the pieces.
    with pytest.raises(ValueError, match="exceeds chunk limit"):
        encode()(EXTENSION_B)
    with pytest.raises(ValueError, match="Input too long"):
        encode()(MEGABYTE)


def test_a_100000_character_extension_b_prompt_is_counted_close_to_tiktoken(
    o200k: tiktoken.Encoding,
) -> None:
    count = counter_for("gpt-4o")
    assert count is not None
    counted = count(EXTENSION_B)
    expected = len(o200k.encode(EXTENSION_B, disallowed_special=()))
    assert counted.tokens > 300_000  # not a chars/4 estimate (25,000)
    assert not counted.exact  # no space to cut at: cut at a fixed length, so "≈"
    cuts = len(EXTENSION_B) // PIECE_CHARS
    assert abs(counted.tokens - expected) <= 4 * cuts


def test_a_1_mb_text_is_counted_exactly_in_pieces(o200k: tiktoken.Encoding) -> None:
    count = counter_for("gpt-4o")
    assert count is not None
    counted = count(MEGABYTE)
    assert counted.exact  # every cut is before a space or a tab
    assert counted.tokens == len(o200k.encode(MEGABYTE, disallowed_special=()))


def test_a_piece_size_under_two_is_refused() -> None:
    # A pair cut at size 1 moved the cut back to 0: pieces() looped for ever, yielding
    # empty pieces (the hypothesis test below hung on text="\ud83e\udd99", size=1).
    for size in (1, 0, -3):
        with pytest.raises(ValueError, match="size of 2 characters at least"):
            list(pieces("\ud83e\udd99", size))


def test_pieces_never_split_a_surrogate_pair_and_stay_within_the_size() -> None:
    text = "x" + "\ud83e\udd99" * 10  # surrogates as separate code points
    for size in range(2, 8):
        cut = list(pieces(text, size))
        assert "".join(p for p, _ in cut) == text
        assert all(0 < len(p) <= size for p, _ in cut)
        assert not any(p[-1] == "\ud83e" for p, _ in cut[:-1])


def test_a_request_with_the_prompt_is_measured_and_refused_over_the_window() -> None:
    messages = [{"role": "user", "content": EXTENSION_B}]
    use = context_use(messages, 128_000, "gpt-4o")
    assert use.tokens > 300_000 and use.summary().startswith("≈")
    with pytest.raises(OverContextWindow, match=r"about .* tokens \(estimated\)"):
        check_fits(messages, 128_000, "gpt-4o")
    # The 1 MB file as an attachment part: counted exactly, no exception.
    parts = [{"role": "user", "content": [{"type": "text", "text": "read\n\n" + MEGABYTE}]}]
    assert count_tokens(parts, "openai/gpt-4o-mini").exact


def test_the_cache_keeps_no_text() -> None:
    text = "remember me " * 100_000 + "once"
    before = sys.getrefcount(text)
    count = counter_for("gpt-4o")
    assert count is not None
    first = count(text)
    assert sys.getrefcount(text) == before  # the cache holds a digest, not the text
    assert count(text[:]) == first  # and still answers from it


_ALPHABET = st.one_of(
    st.characters(exclude_categories=()),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # Extension B
    st.sampled_from(list(" \t\n\r\x0b\x0c\x85\xa0\u3000'sSmtd1234567890.,/!?<|>é")),
)
_TEXT = st.text(_ALPHABET, max_size=300)
# No explain phase: after a failure it retraces every example, which took minutes on a
# loaded machine and looked like a hang. A deadline per example, a timeout on the whole.
_QUICK = settings(
    deadline=timedelta(seconds=2),
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)


@pytest.mark.timeout(120)
@settings(_QUICK, max_examples=400)
@given(text=_TEXT, size=st.integers(min_value=2, max_value=40))
@example(text="\ud83e\udd99", size=2)  # a pair at the smallest size: kept whole
@example(text="a\ud83e\udd99b", size=2)  # the cut falls inside the pair: moved before it
@example(text="\ud83e\udd99" * 3 + " x", size=3)
def test_counting_in_pieces_never_raises_and_is_exact_when_it_says_so(text: str, size: int) -> None:
    counted = count_text(encode(), text, size)
    assert counted.tokens >= 0
    if counted.exact:
        assert counted.tokens == len(encode()(text))


@pytest.mark.timeout(120)
@settings(_QUICK, max_examples=200)
@given(
    texts=st.lists(_TEXT, min_size=1, max_size=3),
    model=st.sampled_from(["gpt-4o", "gpt-4", "llama3", "", None]),
)
def test_counting_a_request_never_raises(texts: list[str], model: str | None) -> None:
    messages = [{"role": "user", "content": t} for t in texts]
    counted = count_tokens(messages, model)
    assert counted.tokens >= len(messages)
    if model in ("gpt-4o", "gpt-4"):
        assert counted.exact  # short texts: the tokenizer counts them whole


def test_lone_surrogates_past_the_piece_size_are_counted() -> None:
    text = "\ud800" * (PIECE_CHARS + 7) + "\udfff a"
    count = counter_for("gpt-4o")
    assert count is not None
    counted = count(text)
    assert counted.tokens > 0


def test_counts_under_the_piece_size_are_unchanged(o200k: tiktoken.Encoding) -> None:
    text = "Hello, world! " * 1_000
    count = counter_for("gpt-4o")
    assert count is not None
    assert count(text).exact
    assert count(text).tokens == len(o200k.encode(text, disallowed_special=()))


# -- the page ---------------------------------------------------------------------------


def custom_gpt_4o(write_config: Callable[..., object], url: str) -> tuple[AppTest, str]:
    """The app with one card on Custom, model id gpt-4o (no endpoint configured)."""
    write_config("")
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    card = cards(at)[0]
    at.text_input(key=key(card, "base_url")).set_value(url).run()
    at.text_input(key=key(card, "model_id")).set_value("gpt-4o").run()
    assert_cards_drawn(at)
    return at, card.id


def next_request_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "Next request" in c.value]


def test_a_custom_gpt_4o_card_draws_with_the_extension_b_prompt(
    write_config: Callable[..., object], scenario: Callable[..., str]
) -> None:
    at, card_id = custom_gpt_4o(write_config, scenario(reply="fine", models=["gpt-4o"]))
    at.chat_input(key=widget_key(card_id, "input")).set_value(EXTENSION_B).run()
    assert_cards_drawn(at)
    card = cards(at)[0]
    assert card.messages[0].content == EXTENSION_B  # the prompt is kept
    assert card.messages[-1].content == "fine"
    assert card.config.custom.model_id == "gpt-4o"
    captions = next_request_captions(at)
    assert captions and "≈" in captions[0]  # counted in pieces: shown as estimated
    at.run()  # and on the next page run too
    assert_cards_drawn(at)


def test_a_custom_gpt_4o_card_draws_with_a_1_mb_text_attachment(
    write_config: Callable[..., object], scenario: Callable[..., str]
) -> None:
    at, card_id = custom_gpt_4o(write_config, scenario(reply="read", models=["gpt-4o"]))
    box = at.chat_input(key=widget_key(card_id, "input"))
    box.upload("big.txt", MEGABYTE.encode(), "text/plain").set_value("summarise").run()
    assert_cards_drawn(at)
    card = cards(at)[0]
    assert card.messages[0].content == "summarise"
    assert [a.name for a in card.messages[0].attachments] == ["big.txt"]
    assert card.messages[-1].content == "read"
    captions = next_request_captions(at)
    assert captions and "≈" not in captions[0]  # cut at spaces: exact
    at.run()
    assert_cards_drawn(at)


def test_a_tokenizer_that_fails_anyway_gives_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> object:
        raise RuntimeError("the tokenizer broke")

    monkeypatch.setattr("playground.costs.tokens.counter_for", lambda model: broken)
    counted = count_tokens([{"role": "user", "content": "x" * 400}], "gpt-4o")
    assert not counted.exact and counted.tokens == 4 + 100 + 2  # the estimate
