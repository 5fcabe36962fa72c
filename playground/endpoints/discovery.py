"""Listing the model IDs an endpoint serves (``GET {base_url}/models``).

The answer is read as bytes (at most ``MAX_MODEL_LIST_BYTES``) and checked by
``parse_model_list``, not handed to the SDK's model types: a proxy's sign-in
page, plain text, JSON of another shape, ids that are not text or hold control
characters, or ten thousand models each get a message instead of an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from playground.config.limits import MAX_LISTED_MODELS, MAX_MODEL_ID_CHARS, MAX_MODEL_LIST_BYTES
from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client
from playground.endpoints.egress import EgressPolicy
from playground.endpoints.errors import (
    looks_like_web_page,
    not_json_message,
    server_error_message,
    translate_errors,
    web_page_error,
)
from playground.errors import BadRequest, EndpointError

WHAT = "The endpoint's model list"


@dataclass(frozen=True)
class ModelList:
    """The models of an endpoint, or why they could not be listed.

    ``note`` says what was left out of a list that is still usable.
    """

    models: tuple[str, ...] = ()
    error: str | None = None
    note: str | None = None
    windows: tuple[tuple[str, int], ...] = ()  # (model, context length) the list states

    def window(self, model: str) -> int | None:
        """The model's context length as its entry states it, if it does."""
        return dict(self.windows).get(model)


# Where servers put a model's context length in GET /models: vLLM's max_model_len,
# OpenRouter's and LM Studio's context_length, llama.cpp's meta.n_ctx (its n_ctx_train is
# what the model was trained on, not what the server runs with: not used).
_WINDOW_KEYS = ("max_model_len", "context_length", "context_window")


def _window(item: dict[str, Any]) -> int | None:
    meta = item.get("meta")
    values = [item.get(k) for k in _WINDOW_KEYS]
    values.append(meta.get("n_ctx") if isinstance(meta, dict) else None)
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 100_000_000:
            return value
    return None


def usable_id(value: object) -> str | None:
    """A model id that can be shown and sent back as it is: text, not blank, not too long,
    without control or format characters (which could hide or fake what is shown)."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_MODEL_ID_CHARS:
        return None
    # Python's printable: no control, format (bidi overrides, zero-width), separator
    # or unassigned characters; the plain space is the one blank allowed.
    return value if value.replace(" ", "").isprintable() else None


def parse_model_list(
    body: bytes, content_type: str, *, what: str = WHAT, redact: tuple[str, ...] = ()
) -> ModelList:
    """The model ids in a ``GET /models`` answer (status 200), or a message why there are none."""
    if looks_like_web_page(content_type, body):
        return ModelList(error=web_page_error(what).message)
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        return ModelList(error=not_json_message(what, body, content_type, redact))
    if isinstance(data, dict) and "error" in data and "data" not in data:
        return ModelList(error=server_error_message(what, data, redact))
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return ModelList(
            error=f"{what} is JSON but not a model list: it should be an object whose "
            f"'data' is a list of models ({_shape(data)} was sent). Check that the "
            "baseURL points at an OpenAI-compatible API."
        )
    ids = [usable_id(item.get("id")) if isinstance(item, dict) else None for item in items]
    models = tuple(dict.fromkeys(i for i in ids if i is not None))  # server's order, no repeats
    left_out = sum(1 for i in ids if i is None)
    if items and not models:
        return ModelList(
            error=f"{what} has {len(items)} entries but none with a usable model id "
            "(an 'id' that is text without control characters)."
        )
    notes = []
    if left_out:
        notes.append(
            f"{left_out} of the {len(items)} listed models were left out: their ids are "
            "not text, too long, or hold control characters."
        )
    if len(models) > MAX_LISTED_MODELS:
        notes.append(
            f"The endpoint lists {len(models):,} models; the first {MAX_LISTED_MODELS:,} "
            "are offered."
        )
        models = models[:MAX_LISTED_MODELS]
    windows = tuple(
        (model, window)
        for item in items
        if isinstance(item, dict)
        and (model := usable_id(item.get("id"))) in models
        and (window := _window(item)) is not None
    )
    return ModelList(models=models, note=" ".join(notes) or None, windows=windows)


def _shape(data: object) -> str:
    if isinstance(data, dict):
        inner = data.get("data")
        return (
            "an object without a 'data' list"
            if inner is None
            else (f"an object whose 'data' is {_kind(inner)}")
        )
    return _kind(data)


def _kind(value: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number" if isinstance(value, int | float) else "an object")


def list_models(
    base_url: str, token: str | None, timeouts: Timeouts, egress: EgressPolicy | None = None
) -> ModelList:
    """Fetch model IDs; never raises for endpoint problems."""
    client = make_client(
        base_url,
        token,
        Timeouts(connect=timeouts.connect, read=timeouts.models, models=timeouts.models),
        max_retries=0,
        egress=egress,
    )
    redact = (token,) if token else ()
    try:
        with (
            translate_errors(WHAT, redact=redact, token_sent=bool(token)),
            client.stream_models() as response,
        ):
            content_type = response.headers.get("content-type", "")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_MODEL_LIST_BYTES:
                    raise BadRequest(
                        f"{WHAT} is larger than {MAX_MODEL_LIST_BYTES // 1_000_000} MB, "
                        "so it was not read."
                    )
        return parse_model_list(bytes(body), content_type, redact=redact)
    except EndpointError as exc:
        return ModelList(error=exc.message)
    finally:
        client.close()
