import pytest

from playground.errors import InvalidBaseURL
from playground.urls import normalize_base_url


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        pytest.param("http://localhost:8000/v1", "http://localhost:8000/v1", id="plain"),
        pytest.param("  http://localhost:8000/v1///  ", "http://localhost:8000/v1", id="slashes"),
        pytest.param(
            "https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1", id="suffix"
        ),
        pytest.param("HTTP://Host:8080/v1/models/", "http://Host:8080/v1", id="models-suffix"),
        pytest.param("http://[::1]:8000/v1", "http://[::1]:8000/v1", id="ipv6"),
    ],
)
def test_normalizes(raw: str, url: str) -> None:
    result = normalize_base_url(raw)
    assert result.url == url
    assert result.hint is None


def test_hint_without_version_segment() -> None:
    result = normalize_base_url("http://localhost:8000")
    assert result.url == "http://localhost:8000"
    assert result.hint is not None and "/v1" in result.hint


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        pytest.param("", "required", id="empty"),
        pytest.param("localhost:8000/v1", "http://", id="no-scheme"),
        pytest.param("http://local host/v1", "spaces", id="spaces"),
        pytest.param("javascript:alert(1)", "not allowed", id="javascript"),
        pytest.param("file:///etc/passwd", "not allowed", id="file"),
        pytest.param("ftp://host/v1", "not allowed", id="ftp"),
        pytest.param("http://host:99999/v1", "port", id="port-range"),
        pytest.param("http://user:pw@host/v1", "password", id="userinfo"),
        pytest.param("http:///v1", "host", id="no-host"),
        pytest.param("http://host/v1?key=1", "query", id="query"),
    ],
)
def test_rejects_with_clear_message(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidBaseURL) as info:
        normalize_base_url(raw)
    assert fragment in info.value.message


def test_userinfo_message_does_not_echo_password() -> None:
    with pytest.raises(InvalidBaseURL) as info:
        normalize_base_url("http://user:hunter2@host/v1")
    assert "hunter2" not in info.value.message
