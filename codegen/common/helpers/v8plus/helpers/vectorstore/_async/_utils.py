"""Checks on the trained models that strategies run inside Elasticsearch."""

from __future__ import annotations

from .... import AsyncElasticsearch
from ....exceptions import BadRequestError, NotFoundError


async def model_must_be_deployed(client: AsyncElasticsearch, model_id: str) -> None:
    """Runs one inference with ``model_id``: a missing model raises ``NotFoundError``, a model
    not started yet ``ConflictError``. A model that wants another input field name answers
    400, which still proves it is deployed."""
    try:
        await client.ml.infer_trained_model(
            model_id=model_id, docs=[{"text_field": f"test if the model '{model_id}' is deployed"}]
        )
    except BadRequestError:
        pass


async def model_is_deployed(client: AsyncElasticsearch, model_id: str) -> bool:
    """Whether ``model_id`` exists and is deployed (see ``model_must_be_deployed``)."""
    try:
        await model_must_be_deployed(client, model_id)
    except NotFoundError:
        return False
    return True
