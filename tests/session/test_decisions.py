"""The card's decisions, as pure functions: no server, no Streamlit."""

from __future__ import annotations

import pytest

from playground.endpoints.backendai import ModelService
from playground.endpoints.backendai.health import Route
from playground.endpoints.catalog import Endpoint, EndpointCatalog
from playground.endpoints.discovery import ModelList
from playground.session.decisions import (
    custom_base_url,
    default_endpoint,
    land_endpoint,
    land_model,
    model_options,
    opening_sync,
    other_model,
)
from playground.workspace.types import CUSTOM, Card, CardConfig

VLLM = Endpoint(name="vLLM", base_url="http://127.0.0.1:9/v1")
LOCAL = Endpoint(name="Local", base_url="", embedded=True)


def _remote(endpoint_id: str, healthy: bool) -> ModelService:
    return ModelService(
        endpoint_id=endpoint_id,
        name=f"svc-{endpoint_id}",
        url="http://127.0.0.1:9",
        status="HEALTHY" if healthy else "UNHEALTHY",
        lifecycle_stage="created",
        open_to_public=False,
        routes=(Route(status="HEALTHY" if healthy else "UNHEALTHY"),),
    )


@pytest.mark.parametrize(
    ("endpoints", "remote", "expected"),
    [
        pytest.param((VLLM, LOCAL), [], "vLLM", id="configured-first"),
        pytest.param((LOCAL,), ["backendai:b", "backendai:a"], "backendai:a", id="healthy-remote"),
        pytest.param((LOCAL,), ["backendai:b"], "Local", id="never-unhealthy"),
        pytest.param((), [], None, id="nothing"),
    ],
)
def test_default_endpoint(
    endpoints: tuple[Endpoint, ...], remote: list[str], expected: str | None
) -> None:
    seen = {"a": _remote("a", True), "b": _remote("b", False)}
    assert default_endpoint(EndpointCatalog(endpoints, ()), remote, seen) == expected


def test_land_endpoint_keeps_the_selector_then_the_config_then_the_default() -> None:
    assert land_endpoint(["A", "B"], "B", "A", "A") == "B"
    assert land_endpoint(["A", "B"], "gone", "B", "A") == "B"
    assert land_endpoint(["A", "B"], None, "gone", "A") == "A"


@pytest.mark.parametrize(
    ("endpoint", "listed", "options", "problem"),
    [
        pytest.param(None, None, [CUSTOM], None, id="no-endpoint"),
        pytest.param(LOCAL, None, [CUSTOM], "'Local' is not available.", id="not-started"),
        pytest.param(VLLM, ModelList(models=("m1", "m2")), ["m1", "m2", CUSTOM], None, id="listed"),
        pytest.param(
            VLLM,
            ModelList(error="It answered 401."),
            [CUSTOM],
            "It answered 401. Using Custom instead.",
            id="list-failed",
        ),
        pytest.param(
            VLLM,
            ModelList(),
            [CUSTOM],
            "This endpoint lists no models; enter a Model ID in Custom.",
            id="empty-list",
        ),
    ],
)
def test_model_options(
    endpoint: Endpoint | None, listed: ModelList | None, options: list[str], problem: str | None
) -> None:
    assert model_options(endpoint, listed) == (options, problem)


def test_a_health_warning_stays_unless_the_list_fails() -> None:
    listed = ModelList(models=("m1",))
    assert model_options(VLLM, listed, "'x' is degraded")[1] == "'x' is degraded"
    failed = ModelList(error="Down.")
    assert model_options(VLLM, failed, "'x' is degraded")[1] == "Down. Using Custom instead."


def test_land_model_keeps_the_selectors_value() -> None:
    landing = land_model(["a", "b", CUSTOM], "b", "a", fell_back=False, wanted=None, problem=None)
    assert (landing.selected, landing.changed) == ("b", False)


def test_land_model_takes_the_configured_model_else_the_first() -> None:
    assert (
        land_model(
            ["a", "b", CUSTOM], None, "b", fell_back=False, wanted=None, problem=None
        ).selected
        == "b"
    )
    assert (
        land_model(["a", CUSTOM], None, "gone", fell_back=False, wanted=None, problem=None).selected
        == "a"
    )


def test_falls_back_to_custom_and_goes_back_when_the_list_loads() -> None:
    down = land_model([CUSTOM], None, "m2", fell_back=False, wanted=None, problem="Down.")
    assert (down.selected, down.fell_back, down.wanted) == (CUSTOM, True, "m2")
    back = land_model(["m1", "m2", CUSTOM], CUSTOM, "m2", fell_back=True, wanted="m2", problem=None)
    assert (back.selected, back.changed, back.fell_back) == ("m2", True, False)


def test_a_chosen_custom_is_not_a_fallback() -> None:
    landing = land_model(["m1", CUSTOM], CUSTOM, CUSTOM, fell_back=False, wanted=None, problem=None)
    assert (landing.selected, landing.changed) == (CUSTOM, False)


def test_other_model_prefers_one_no_card_uses() -> None:
    cards = [Card(config=CardConfig(endpoint="A", model=m)) for m in ("one", "two")]
    assert other_model(cards[0], ["one", "two", "three"], cards) == "three"
    assert other_model(cards[0], ["one", "two"], cards) == "two"
    assert other_model(cards[0], ["one"], cards) is None


def test_custom_base_url_starts_from_the_card_then_its_endpoint() -> None:
    assert custom_base_url("http://127.0.0.1:1/v1", VLLM) == "http://127.0.0.1:1/v1"
    assert custom_base_url("", VLLM) == VLLM.base_url
    assert custom_base_url("", None) == ""


@pytest.mark.parametrize(
    ("cards", "link_sync", "expected"),
    [
        pytest.param(2, None, True, id="new-two-cards-synced"),
        pytest.param(5, None, True, id="new-more-cards-synced"),
        pytest.param(1, None, False, id="new-one-card-not-synced"),
        pytest.param(2, False, False, id="link-without-sync-wins"),
        pytest.param(1, True, True, id="link-sync-1-wins"),
        pytest.param(3, True, True, id="link-sync-1-many-cards"),
    ],
)
def test_opening_sync(cards: int, link_sync: bool | None, expected: bool) -> None:
    assert opening_sync(cards, link_sync) is expected
