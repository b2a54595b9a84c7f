"""Small builders the tests share: catalogs, and results as the parse Lambda would send them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from descgen.contract.messages import RecordResult, ResultPage, TokenUsage
from descgen.contract.records import find_markers, make_record_id
from descgen.db.batches import claim_batch, mark_submitted
from descgen.db.catalog import load_catalog, sync_tasks
from descgen.db.models import GenerationTask, Product
from descgen.db.session import session_scope
from local.offline_writer import describe_product

MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def catalog(store: str = "acme", products: int = 3, languages: tuple[str, ...] = ("en", "de")) -> dict:
    return {
        "store": {"id": store, "name": store.title(), "languages": {lang: lang for lang in languages}},
        "products": [
            {"id": f"P{i}", "title": f"Product {i}", "seo_keywords": [f"kw{i}"], "attributes": {"size": str(i)}}
            for i in range(1, products + 1)
        ],
    }


def load(engine: Engine, document: dict, model: str = MODEL) -> str:
    with session_scope(engine) as session:
        store, _ = load_catalog(session, document)
        sync_tasks(session, store, model)
    return store


def submit(
    engine: Engine, store: str, limit: int = 10_000, languages=None, output_format: str = "text"
) -> tuple[str, list[GenerationTask]]:
    """Claim and mark submitted, as generate-descriptions does around its upload (text answers unless asked)."""
    with session_scope(engine) as session:
        batch = claim_batch(session, store, MODEL, languages, limit, output_format=output_format)
        assert batch is not None
        mark_submitted(session, batch.id)
        batch_id = batch.id
    return batch_id, tasks_of(engine, batch_id)


def tasks_of(engine: Engine, batch_id: str) -> list[GenerationTask]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(GenerationTask).where(GenerationTask.batch_id == batch_id).order_by(GenerationTask.id)
            )
        )


def product_id(engine: Engine, task: GenerationTask) -> str:
    with session_scope(engine) as session:
        return session.get_one(Product, task.product_id).external_id


def good_body(engine: Engine, task: GenerationTask) -> str:
    """The description a good model writes for the task: in its language, using its keywords
    (the emulator's writer), so it passes the quality gate."""
    with session_scope(engine) as session:
        product = session.get_one(Product, task.product_id)
        facts = {"title": product.title, "keywords": list(product.seo_keywords), "attributes": dict(product.attributes)}
        key = f"{product.external_id}/{task.language_id}"
    return describe_product(facts, task.language_id, key)


def answer(engine: Engine, task: GenerationTask, body: str | None = None, marker: str | None = None) -> RecordResult:
    """The result a well-behaved model gives for the task (or with the text/marker given)."""
    marker = marker or f"#{product_id(engine, task)}#{task.language_id}#"
    text = marker + (body or good_body(engine, task))
    return RecordResult(
        make_record_id(task.id, task.sends),
        "ok",
        tuple(find_markers(text)),
        text,
        "end_turn",
        usage=TokenUsage(100, 200),
    )


def page(batch_id: str, *results: RecordResult) -> ResultPage:
    return ResultPage(batch_id, tuple(results))


def anthropic_body(converse: dict[str, Any]) -> dict[str, Any]:
    """The Anthropic Messages body the previous version wrote for the same prompt (InvokeModel jobs)."""
    return {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": converse["inferenceConfig"]["maxTokens"],
        "temperature": converse["inferenceConfig"]["temperature"],
        "system": converse["system"][0]["text"],
        "messages": [
            {
                "role": message["role"],
                "content": [{"type": "text", "text": block["text"]} for block in message["content"]],
            }
            for message in converse["messages"]
        ],
    }


CATALOG_JSON = Path(__file__).parents[1] / "descgen" / "model_catalog.json"


def catalog_price(model_id: str) -> dict[str, float]:
    """The model's USD per million tokens as descgen/model_catalog.json lists them, a geo profile's
    regional factor applied: read from the file, not through descgen's own pricing code."""
    [entry] = [m for m in json.loads(CATALOG_JSON.read_text())["models"] if m["id"] == model_id]
    factor = entry["regional_price_factor"] if entry["inference_profile"] == "geo" else 1.0
    names = ("batch_input", "batch_output", "on_demand_input", "on_demand_output")
    return {name: entry["price"][name] * factor for name in names}


def priced(model_id: str, input_tokens: int, output_tokens: int) -> tuple[float, float]:
    """(batch, on demand) USD of the tokens at the catalog's prices."""
    price = catalog_price(model_id)
    return (
        (input_tokens * price["batch_input"] + output_tokens * price["batch_output"]) / 1_000_000,
        (input_tokens * price["on_demand_input"] + output_tokens * price["on_demand_output"]) / 1_000_000,
    )
