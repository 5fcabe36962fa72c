"""OpenAI models counted exactly, offline, and checked against tiktoken's own code.

The reference is tiktoken 0.14.0 itself: its encodings are built by
``tiktoken_ext.openai_public`` from OpenAI's published ``.tiktoken`` files, checked
against OpenAI's sha256. tiktoken would download those files; here its cache is
seeded with the copies inside the bpe-openai wheel (tiktoken keys its cache by the
sha1 of the URL and verifies the sha256 before use), and any download it tried would
go to a dead loopback proxy. So the data is proven to be OpenAI's, and the counts
are compared with tiktoken's encoder on the same texts.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
from pathlib import Path

import bpe_openai.data
import pytest
import tiktoken
import tiktoken_ext.openai_public as openai_public

from playground.costs.context import check_fits, context_use
from playground.costs.tokenizers import counter_for, encoding_name
from playground.costs.tokens import count_tokens
from playground.errors import OverContextWindow

URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
TEXTS = [
    "Hello, world! The capital of France is Paris.",
    "def add(a: int, b: int) -> int:\n    return a + b  # sum\n",
    "서울은 대한민국의 수도입니다. 東京は日本の首都です。 Ünïcödé façade — naïve café",
    "   leading spaces, trailing tabs\t\t\n\n\nand 1234567890 numbers 3.14159 $9.99",
    "<|endoftext|> looks special but is plain text in a message",
    "emoji 🦙🤖👍🏽 and a URL https://example.com/a?b=c&d=e#f",
    "word " * 500,
]


def reference(name: str, cache: Path, monkeypatch: pytest.MonkeyPatch) -> tiktoken.Encoding:
    """tiktoken's own encoding, from OpenAI's file as shipped in the bpe-openai wheel."""
    packed = importlib.resources.files(bpe_openai.data) / f"{name}.tiktoken.gz"
    data = gzip.decompress(packed.read_bytes())
    key = hashlib.sha1(URL.format(name).encode()).hexdigest()
    (cache / key).write_bytes(data)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # a download would fail here
    spec: dict = getattr(openai_public, name)()  # checks OpenAI's sha256 of the file
    return tiktoken.Encoding(**spec)


@pytest.mark.parametrize(
    ("model", "encoding"),
    [("gpt-4o-mini", "o200k_base"), ("gpt-4", "cl100k_base"), ("o3", "o200k_base")],
)
def test_counts_equal_tiktokens_on_the_same_texts(
    model: str, encoding: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert encoding_name(model) == encoding
    expected = reference(encoding, tmp_path, monkeypatch)
    count = counter_for(model)
    assert count is not None
    for text in TEXTS:
        assert count(text).tokens == len(expected.encode(text, disallowed_special=())), text
        assert count(text).exact


def test_model_ids_map_to_encodings_as_tiktoken_maps_them() -> None:
    for model in ("gpt-4o", "gpt-4o-2024-08-06", "gpt-5-mini", "openai/gpt-4.1", "o4-mini"):
        assert encoding_name(model) == "o200k_base", model
    for model in ("gpt-4-0613", "gpt-3.5-turbo", "gpt-35-turbo-16k", "ft:gpt-4:acme::x"):
        assert encoding_name(model) == "cl100k_base", model
    for model in ("llama3.1:8b", "Qwen/Qwen2.5-7B-Instruct", "fake-small", "gemma", ""):
        assert encoding_name(model) is None and counter_for(model) is None, model


def test_a_chat_request_is_counted_with_openais_framing() -> None:
    count = counter_for("gpt-4o")
    assert count is not None
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is the capital of France?"},
    ]
    counted = count_tokens(messages, "gpt-4o")
    # The cookbook's count: 3 a message + its role and content, 3 to open the reply.
    by_hand = sum(3 + count(m["role"]).tokens + count(m["content"]).tokens for m in messages) + 3
    assert counted.exact and counted.tokens == by_hand
    other = count_tokens(messages, "llama3")
    assert not other.exact  # no tokenizer for it: estimated
    with_image = [
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}
    ]
    assert not count_tokens(with_image, "gpt-4o").exact  # image tokens are estimated


def test_an_exact_count_is_shown_without_the_estimate_mark() -> None:
    history = [{"role": "user", "content": "hello " * 40}]
    exact = context_use(history, 1000, "gpt-4o")
    estimated = context_use(history, 1000, "llama3")
    assert exact.exact and not exact.summary().startswith("≈")
    assert not estimated.exact and estimated.summary().startswith("≈")
    with pytest.raises(OverContextWindow) as refused:
        check_fits(history, 20, "gpt-4o")
    assert "estimated" not in refused.value.message
    assert f"carry {exact.tokens:,} tokens" in refused.value.message
