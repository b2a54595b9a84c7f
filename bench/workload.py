"""What one scenario feeds the pipeline: a submitted batch in the database and its Bedrock output file.

The batch is made the way generate-descriptions makes it (catalog -> ``sync_tasks``
-> ``claim_batch`` -> ``mark_submitted``), so every record id is a real task's
``make_record_id(task.id, task.attempts)``. The output file is what the Bedrock
emulator would write for that batch: each line carries the real ``modelInput``
(the production prompt) and the offline writer's answer, in shuffled order, as
Bedrock does not keep the input order. Building it is not part of any timing.
"""

from __future__ import annotations

import json
import random
import secrets
import string
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, select

from descgen.contract.records import make_record_id
from descgen.db.batches import claim_batch, mark_submitted
from descgen.db.catalog import facts, load_catalog, sync_tasks
from descgen.db.models import GenerationTask, Product
from descgen.db.session import session_scope
from descgen.prompts import model_input
from descgen.settings import Settings
from local.offline_writer import write_converse_response

STORE_ID = "benchstore"
LANGUAGES = {"en": "English", "de": "Deutsch"}
_NOUNS = ("Hiking Socks", "Water Bottle", "Desk Lamp", "Rain Jacket", "Coffee Grinder", "Yoga Mat", "Backpack")
_MATERIALS = ("Merino Wool", "Stainless Steel", "Bamboo", "Recycled Nylon", "Oak", "Organic Cotton")
_COLOURS = ("black", "forest green", "slate grey", "sand", "navy", "red")


@dataclass(frozen=True)
class SubmittedBatch:
    batch_id: str
    records: int


def catalog_document(products: int, seed: int = 7) -> dict[str, Any]:
    """A store in two languages with plausible products: a title, three SEO keywords, two attributes."""
    pick = random.Random(seed)
    items = []
    for number in range(1, products + 1):
        noun, material = pick.choice(_NOUNS), pick.choice(_MATERIALS)
        items.append(
            {
                "id": f"SKU-{number:06d}",
                "title": f"{material} {noun} {pick.choice(('Classic', 'Pro', 'Lite', 'Max'))} {number}",
                "seo_keywords": [noun.lower(), f"{material.lower()} {noun.lower()}", f"best {noun.lower()} gift"],
                "attributes": {"colour": pick.choice(_COLOURS), "material": material},
            }
        )
    return {"store": {"id": STORE_ID, "name": "Bench Store", "languages": LANGUAGES}, "products": items}


def submit_batch(engine: Engine, records: int, model_id: str) -> SubmittedBatch:
    """``records`` tasks (records/2 products x 2 languages) claimed into one batch and marked submitted."""
    if records % len(LANGUAGES):
        raise ValueError(f"records must be a multiple of {len(LANGUAGES)}")
    with session_scope(engine) as session:
        store_id, _ = load_catalog(session, catalog_document(records // len(LANGUAGES)))
        sync_tasks(session, store_id, model_id)
    with session_scope(engine) as session:
        batch = claim_batch(session, store_id, model_id, None, records)
        if batch is None or batch.record_count != records:
            raise RuntimeError(f"claimed {batch and batch.record_count} tasks, wanted {records}")
        mark_submitted(session, batch.id)
        return SubmittedBatch(batch.id, records)


def write_output_file(engine: Engine, batch: SubmittedBatch, settings: Settings, out: IO[bytes], seed: int = 11) -> int:
    """The batch's ``<batch>.jsonl.out`` as Bedrock writes it, into ``out``; returns its size in bytes."""
    lines: list[bytes] = []
    with session_scope(engine) as session:
        rows = session.execute(
            select(GenerationTask.id, GenerationTask.sends, GenerationTask.language_id, Product)
            .join(Product, Product.id == GenerationTask.product_id)
            .where(GenerationTask.batch_id == batch.batch_id)
            .order_by(GenerationTask.id)
            .execution_options(yield_per=1000)
        )
        for task_id, sends, language_id, product in rows:
            body = model_input(
                facts(product),
                language_id,
                max_tokens=settings.max_output_tokens,
                temperature=settings.temperature,
                structured=True,
            )
            answer = {
                "recordId": make_record_id(task_id, sends),
                "modelInput": body,
                "modelOutput": write_converse_response(body),
            }
            lines.append(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
    random.Random(seed).shuffle(lines)
    size = 0
    for line in lines:
        size += out.write(line)
    return size


def bedrock_job_id() -> str:
    """Shaped like the last part of a real job ARN: 12 lower-case letters and digits."""
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(12))


def write_to(path: Path) -> IO[bytes]:
    return path.open("wb")
