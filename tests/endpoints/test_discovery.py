from collections.abc import Callable

from playground.config.settings import Timeouts
from playground.endpoints.discovery import list_models, parse_model_list
from tests.fake_openai import FakeOpenAIServer, closed_port
from tests.helpers import scenario_name

FAST = Timeouts(connect=2, read=5, models=5)


def test_lists_models_in_server_order(scenario: Callable[..., str]) -> None:
    url = scenario(models=["b-model", "a-model", "b-model"])
    assert list_models(url, None, FAST).models == ("b-model", "a-model")


def test_sends_bearer_token_only_when_there_is_one(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(token="tok-1")
    assert list_models(url, "tok-1", FAST).models
    assert server.requests[-1].authorization == "Bearer tok-1"
    open_url = scenario()
    assert list_models(open_url, None, FAST).models
    last = [r for r in server.requests if r.scenario == scenario_name(open_url)][-1]
    assert last.authorization is None


def test_unauthorized_says_check_the_token(scenario: Callable[..., str]) -> None:
    result = list_models(scenario(token="right"), "wrong", FAST)
    assert result.models == ()
    assert result.error is not None and "401" in result.error and "Token" in result.error
    assert "wrong" not in result.error


def test_not_found_mentions_version_segment(scenario: Callable[..., str]) -> None:
    result = list_models(scenario(models_status=404), None, FAST)
    assert result.error is not None and "/v1" in result.error


def test_server_error(scenario: Callable[..., str]) -> None:
    result = list_models(scenario(models_status=503), None, FAST)
    assert result.error is not None and "503" in result.error


def test_unreachable() -> None:
    result = list_models(f"http://127.0.0.1:{closed_port()}/v1", None, FAST)
    assert result.error is not None and "Could not connect" in result.error


def test_empty_list(scenario: Callable[..., str]) -> None:
    result = list_models(scenario(models=[]), None, FAST)
    assert result.models == () and result.error is None


def test_a_model_list_nested_too_deeply_is_a_message() -> None:
    found = parse_model_list(b"[" * 100_000 + b"]" * 100_000, "application/json")
    assert found.models == () and found.error and "not JSON" in found.error
