"""Listing the model IDs an endpoint serves (``GET {base_url}/models``)."""

from __future__ import annotations

from dataclasses import dataclass

from playground.clients import make_client
from playground.config import Timeouts
from playground.endpoint_errors import translate_errors
from playground.errors import EndpointError


@dataclass(frozen=True)
class ModelList:
    """The models of an endpoint, or why they could not be listed."""

    models: tuple[str, ...] = ()
    error: str | None = None


def list_models(base_url: str, token: str | None, timeouts: Timeouts) -> ModelList:
    """Fetch model IDs; never raises for endpoint problems."""
    client = make_client(
        base_url,
        token,
        Timeouts(connect=timeouts.connect, read=timeouts.models, models=timeouts.models),
        max_retries=0,
    )
    try:
        with translate_errors("The endpoint's model list", redact=[token], token_sent=bool(token)):
            page = client.list_models()
            ids = [m.id for m in page.data if isinstance(getattr(m, "id", None), str)]
    except EndpointError as exc:
        return ModelList(error=exc.message)
    finally:
        client.close()
    # Keep the server's order, drop duplicates.
    return ModelList(models=tuple(dict.fromkeys(ids)))
