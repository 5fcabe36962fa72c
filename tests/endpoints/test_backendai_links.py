"""Backend.AI's own links (``?endpointId=&modelId=``, newer ``deploymentId``) open a card."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from playground.workspace.deeplinks import CardLink, backendai_card
from tests.fake_manager import SECRET_KEY, FakeManager, fixtures
from tests.fake_manager.fixtures import backendai_toml
from tests.helpers import cards, key, open_with

_fake_manager_server = fixtures._fake_manager_server
generation = fixtures.generation
fake_manager = fixtures.fake_manager
EID = "0b5c2a36-3d4f-4e0e-8a8f-2f1d9a0b7c55"
TO_EID = CardLink(f"backendai:{EID}", None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"endpointId": EID, "modelId": "m"}, replace(TO_EID, model="m"), id="eid"),
        pytest.param({"deploymentId": EID.upper()}, TO_EID, id="deployment"),
        pytest.param({"endpointId": " ", "deploymentId": EID}, TO_EID, id="blank-first"),
        pytest.param({"endpointId": "../admin", "modelId": "m"}, None, id="not-an-id"),
        pytest.param({"modelId": "m"}, None, id="model-only"),
    ],
)
def test_backendai_card(params: dict[str, str], expected: CardLink | None) -> None:
    assert backendai_card(params) == expected


@pytest.mark.parametrize("param", ["endpointId", "deploymentId"])
def test_a_backendai_link_opens_that_endpoint_and_model(
    param: str,
    write_config: Callable[..., Path],
    scenario: Callable[..., str],
    fake_manager: FakeManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.ui.test_backendai_ui import SECRET_ENV

    monkeypatch.setenv(SECRET_ENV, SECRET_KEY)
    fake_manager.add_endpoints(30, url=scenario().removesuffix("/v1"))
    url = scenario(models=["a", "b"]).removesuffix("/v1")
    target = fake_manager.add_endpoint("zz-linked", url=url, open_to_public=True)
    write_config(backendai_toml(fake_manager.base_url))
    at = open_with(**{param: target.endpoint_id, "modelId": "b"})
    (card,) = cards(at)
    assert (card.config.endpoint, card.config.model) == (f"backendai:{target.endpoint_id}", "b")
    assert at.selectbox(key=key(card, "model")).value == "b"
    assert not [w for w in at.warning if "link" in w.value]
