"""How much a visitor may send: every size and count limit on input, in one place.

On a shared dashboard anyone who can open the page can send the server files,
links and text. Each input is refused (or cut) by size and count *before*
objects are built from it, so a hostile input costs little more than its size.

- **Import JSON** (``playground.workspace.export``): the file may be as large as an
  export of the largest workspace the store keeps (``[store]
  max_workspace_bytes``), see ``max_export_bytes``; it is read by a streaming
  scan (``playground.workspace.export_scan``) that stops at the first limit in
  ``ImportLimits``. ``.streamlit/config.toml``'s ``server.maxUploadSize`` is
  ``upload_mb`` of the default (a test checks it); raise both together.
- **Links** (``playground.ui.workspaces.links``): at most ``[limits] max_cards`` ``card``
  values are read; the rest are ignored with a notice.
- **Text fields**: the chat input, Custom's baseURL, Model ID and Token, the
  system prompt, the Backend.AI search, a card's tools and response schema
  (``MAX_*_CHARS`` below; tools per card: ``MAX_TOOLS_PER_CARD``).
- **Endpoint answers**: a model list and a non-streamed completion are read up to
  ``MAX_MODEL_LIST_BYTES`` / ``MAX_COMPLETION_BYTES``; at most ``MAX_LISTED_MODELS``
  models are offered (``playground.endpoints.discovery``, ``playground.chat.deltas``).
- **Prompt sets** (``playground.promptsets.parse``): the file or text is
  refused by size before it is decoded, and by rows, columns and value length
  as it is read (``MAX_PROMPT_SET_*``); the page's uploader takes at most
  ``MAX_PROMPT_SET_BYTES``. A sweep takes ``MAX_SWEEP_VALUES`` values of at most
  ``MAX_SWEEPS`` settings, and at most ``MAX_SWEEP_COLUMNS`` columns in all.
- **What a library interprets** (a regex, a JSON Schema, a template, a judge's
  reply): only in the bounded evaluator's workers (``playground.config.bounded``), with
  the time and memory limits ``EVAL_*`` below.
- **Attachments** (``playground.workspace.attachments``, ``playground.workspace.images``): a file by
  its size, a prompt by its count and total, a name cut to ``MAX_FILE_NAME_CHARS``;
  an image by its stated size before any pixel is decoded, then decoded whole
  (its first frame) once, when accepted, into a thumbnail of ``THUMBNAIL_SIDE_PX``.
  A file is stored once per workspace and counted against ``[store]
  max_workspace_bytes`` before the prompt is sent (``playground.session.workspaces.room``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIB = 1024 * 1024  # Streamlit's "MB" (server.maxUploadSize) is MiB

# -- text fields (characters) ----------------------------------------------------
SHOWN_ANSWER_CHARS = 50_000  # of one answer drawn (final view, live view); the rest a download
MAX_PROMPT_CHARS = 500_000  # one chat prompt: ~125k tokens, a long-context model's whole window
MAX_SYSTEM_PROMPT_CHARS = 100_000  # a card's system prompt (Settings.system_prompt)
MAX_BASE_URL_CHARS = 2_048  # Custom baseURL (browsers' practical URL length)
MAX_MODEL_ID_CHARS = 256  # Custom Model ID (Hugging Face ids are at most 96)
MAX_TOKEN_CHARS = 4_096  # Custom Token (a JWT with claims fits; API keys are ~200)
MAX_STOP_CHARS = 1_000  # a card's stop sequences, all four lines together
MAX_SEARCH_CHARS = 200  # Backend.AI endpoint search and History search text
MAX_VOTE_TAG_CHARS = 40  # a blind vote's tag ("coding", or one a person types)
MAX_VOTE_COMMENT_CHARS = 2_000  # a blind vote's comment

# -- a card's tools and response format (playground.chat.tools) ---------------------------
MAX_TOOLS_PER_CARD = 128  # OpenAI takes at most 128 functions (openai-python v2.23.0,
# types/evals/create_eval_completions_run_data_source.py: "A max of 128 functions")
MAX_TOOLS_CHARS = 100_000  # the tools' JSON text, all of them together
MAX_RESPONSE_SCHEMA_CHARS = 100_000  # a response format's JSON schema text
MAX_TOOL_RESULT_CHARS = 100_000  # one tool call's result, as sent back (a person or a mock)
MAX_MOCK_ROWS = 200  # rows of one tool's mock table (an argument's value -> a result)
MAX_TOOL_ROUNDS = 5  # mock rounds answered for one prompt before a model is stopped
MAX_RUNS_PER_PROMPT = 20  # answers asked of one prompt at once (Runs per prompt, Ask N times)

# -- what an endpoint answers -----------------------------------------------------
MAX_MODEL_LIST_BYTES = 8_000_000  # GET /models (10,000 models with metadata take ~2 MB)
MAX_LISTED_MODELS = 1_000  # offered in a card's Model selector (every option is sent each run)
MAX_COMPLETION_BYTES = 8_000_000  # a whole JSON completion sent where a stream was asked for

# -- prompt-set files (playground.promptsets.parse) -------------------------------
# Prompt-set runs: worker threads per endpoint when no hard cap is set (the endpoint's
# adaptive concurrency gate decides how many of them send at once).
PROMPT_SET_WORKERS_PER_ENDPOINT = 16
MAX_PROMPT_SET_BYTES = 2 * MIB
MAX_PROMPT_SET_ROWS = 10_000
MAX_PROMPT_SET_COLUMNS = 32
MAX_PROMPT_SET_CELL_CHARS = MAX_PROMPT_CHARS
# Sweeps (playground.promptsets.sweeps): one or two settings, each with a few values;
# every card x every combination is a column of the run.
MAX_SWEEPS = 2  # settings swept at once (a grid of more is not read)
MAX_SWEEP_VALUES = 8  # values of one setting (system prompt variants included)
MAX_SWEEP_COLUMNS = 32  # a run's columns once swept (cards x combinations)

# -- the bounded evaluator (playground.config.bounded): a visitor's regex, JSON Schema, template
# and a judge's reply are interpreted in worker processes with these limits.
EVAL_WORKERS = 2  # worker processes (the machine has 2 cores; a call takes one)
EVAL_MEMORY_BYTES = 512 * MIB  # address space a call may add to a fresh worker (an image
# of MAX_IMAGE_PIXELS decodes in about 330 MB)
EVAL_CALL_SECONDS = 2.0  # one call: a pattern compiled, a template filled in, a reply read
EVAL_DIFF_SECONDS = 10.0  # Compare answers: two answers diffed word by word
EVAL_IMAGE_SECONDS = 10.0  # one image decoded whole and thumbnailed (8192×4882: ~0.4 s)
EVAL_ANSWER_SECONDS = 3.0  # all the checks of one answer together
EVAL_SET_SECONDS = 10.0  # checking every check and row of a prompt set before a run
EVAL_TASKS_PER_WORKER = 200  # calls before a worker is replaced (caches do not pile up)
EVAL_QUEUE_SECONDS = 30.0  # how long a call may wait for a free worker ("busy" after)


@dataclass(frozen=True)
class EvaluatorLimits:
    workers: int = EVAL_WORKERS
    memory_bytes: int = EVAL_MEMORY_BYTES
    call_seconds: float = EVAL_CALL_SECONDS
    answer_seconds: float = EVAL_ANSWER_SECONDS
    set_seconds: float = EVAL_SET_SECONDS
    tasks_per_worker: int = EVAL_TASKS_PER_WORKER
    queue_seconds: float = EVAL_QUEUE_SECONDS


# -- attachments (images and files sent with a prompt) -----------------------------
MAX_ATTACHMENT_BYTES = 10 * MIB  # one file
MAX_ATTACHMENTS_PER_REQUEST = 8
MAX_REQUEST_ATTACHMENT_BYTES = 20 * MIB  # all files of one prompt together
MAX_IMAGE_SIDE_PX = 8_192  # decoded width or height
MAX_IMAGE_PIXELS = 40_000_000  # decoded width x height (a decompression bomb is refused)
MAX_FILE_NAME_CHARS = 255  # an attachment's name (a file system's usual limit)
THUMBNAIL_SIDE_PX = 240  # a preview's longest side (drawn 120 px wide: sharp on HiDPI)

# -- Import JSON -----------------------------------------------------------------
# An export is the workspace's JSON indented by 2 (``export_json``). Indenting adds
# a newline and up to 18 spaces to each field; the worst case, an earlier answer
# with 1-character values, grows 2.52 times (tests/browser/test_limits.py builds it).
INDENT_GROWTH = 2.6
ENVELOPE_BYTES = 1_024  # {"format": ..., "version": 1, "workspace": ...} and the newline
MAX_NESTING = 64  # JSON nesting depth; an export needs 9
MAX_KEYS_PER_OBJECT = 64  # the widest object of the format has 10 fields
MAX_KEY_CHARS = 64  # the longest field name of the format has 16 characters
# A message with all its fields takes at least 130 bytes of compact JSON (141
# with the app's 12-character ids), so a workspace of ``max_workspace_bytes``
# holds fewer than bytes / 128 of them. Each costs about 2.5 kB once validated.
BYTES_PER_MESSAGE = 128
# The app's JSON takes about 12 bytes per value (a message is 141 bytes for 11
# values); a hand-made file packs more ("a", is 4 bytes), and values the format
# does not know still cost pydantic about 160 bytes each before it refuses them.
BYTES_PER_VALUE = 10


def max_export_bytes(max_workspace_bytes: int) -> int:
    """The size of the JSON export of the largest workspace the store keeps."""
    return math.ceil(max_workspace_bytes * INDENT_GROWTH) + ENVELOPE_BYTES


def upload_mb(max_workspace_bytes: int) -> int:
    """The smallest ``server.maxUploadSize`` (MiB) that takes any export."""
    return math.ceil(max_export_bytes(max_workspace_bytes) / MIB)


@dataclass(frozen=True)
class ImportLimits:
    """What an import file may hold; the scan stops at the first limit passed."""

    max_bytes: int  # the file
    max_cards: int
    max_messages: int  # in the whole workspace, earlier answers included
    max_items: int  # in any one JSON array
    max_values: int  # JSON values of any kind, in the whole file
    max_string_chars: int  # the longest string (a message's text)
    max_depth: int = MAX_NESTING
    max_keys: int = MAX_KEYS_PER_OBJECT
    max_key_chars: int = MAX_KEY_CHARS

    @classmethod
    def for_workspace(cls, *, max_cards: int, max_workspace_bytes: int) -> ImportLimits:
        """The limits that let in every export of a workspace the store keeps."""
        messages = max_workspace_bytes // BYTES_PER_MESSAGE
        return cls(
            max_bytes=max_export_bytes(max_workspace_bytes),
            max_cards=max_cards,
            max_messages=messages,
            max_items=max(messages, max_cards),
            max_values=max_workspace_bytes // BYTES_PER_VALUE,
            max_string_chars=max_workspace_bytes,
        )
