"""A canary token in the config file, in secrets and in the Custom field never
shows up in the page, the logs, error messages or the URL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fake_openai import FakeOpenAIServer
from tests.helpers import APP, cards, key, scenario_name, send_synced

CANARY_FILE = "sk-canary-file-5b1e0c"
CANARY_SECRETS = "sk-canary-secrets-9d2f7a"
CANARY_CUSTOM = "sk-canary-custom-3c8e41"
CANARIES = (CANARY_FILE, CANARY_SECRETS, CANARY_CUSTOM)


def leaked(text: str) -> list[str]:
    return [c for c in CANARIES if c in text]


def test_tokens_never_reach_page_logs_errors_or_url(
    write_config: Callable[..., Path],
    scenario: Callable[..., str],
    server: FakeOpenAIServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    file_url = scenario(token=CANARY_FILE)
    secrets_url = scenario(token="something-else")  # rejects the secrets token: a 401 path
    custom_url = scenario(token=CANARY_CUSTOM, chat_status=500)  # the custom card fails
    write_config(
        f'[[endpoints]]\nname = "File"\nbase_url = "{file_url}"\ntoken = "{CANARY_FILE}"\n'
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["endpoints"] = [
        {"name": "Secret", "base_url": secrets_url, "token": CANARY_SECRETS},
    ]
    at.run()
    assert not at.exception
    first, second = cards(at)
    at.selectbox(key=key(second, "endpoint")).set_value("Secret").run()
    at.button(key="add_card").click().run()
    third = cards(at)[2]
    at.selectbox(key=key(third, "model")).set_value("Custom").run()
    at.text_input(key=key(third, "base_url")).set_value(custom_url).run()
    at.text_input(key=key(third, "model_id")).set_value("fake-small").run()
    at.text_input(key=key(third, "token")).set_value(CANARY_CUSTOM).run()
    send_synced(at, "hello")
    first, second, third = cards(at)

    # The tokens were used: the file endpoint answered; the others failed as set up.
    assert first.messages[-1].status == "done"
    assert (
        server.chat_requests(scenario_name(file_url))[-1].authorization == f"Bearer {CANARY_FILE}"
    )
    assert (
        server.chat_requests(scenario_name(custom_url))[-1].authorization
        == f"Bearer {CANARY_CUSTOM}"
    )
    assert second.messages[-1].status == "error" and third.messages[-1].status == "error"

    # ... and never leaked anywhere a person or a log can see.
    page = "\n".join(
        [repr(e) for e in at.markdown]
        + [repr(e) for e in at.caption]
        + [repr(e) for e in at.error]
        + [repr(e) for e in at.info]
        + [repr(e) for e in at.warning]
        + [repr(e) for e in at.selectbox]
        + [repr(t.proto) for t in at.text_input if t.key != key(third, "token")]
        + [repr(e) for e in at.expander]
    )
    assert leaked(page) == []
    assert leaked(caplog.text) == []
    errors = [m.error or "" for c in cards(at) for m in c.messages]
    assert any(errors) and leaked("\n".join(errors)) == []
    # The URL carries only the workspace's id (its link), never a token.
    assert leaked(repr(at.query_params)) == [] and list(at.query_params) == ["ws"]
    assert leaked(repr(at.session_state["playground"].workspace)) == []
    # The Token field is a password field: the browser masks it.
    assert at.text_input(key=key(third, "token")).proto.type == 1  # PASSWORD


def test_endpoints_page_says_token_set_never_shows_it(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    url = scenario(token=CANARY_FILE)
    write_config(f'[[endpoints]]\nname = "File"\nbase_url = "{url}"\ntoken = "{CANARY_FILE}"\n')
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/endpoints.py").run()
    frame = at.dataframe[0].value
    assert frame.to_dict("records")[0]["Token"] == "set"
    assert leaked(frame.to_csv()) == []
