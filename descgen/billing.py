"""A job's bill shared among the stores in it (``descgen.pooling``), when monitor-jobs reads its manifest.

A batch of one store takes the whole bill. A pooled batch's output lines are read for
each record's reported usage (record id -> task -> store), and the manifest's totals
are shared in proportion; the shares add up to the manifest.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from descgen.contract.keys import OUTPUT_SUFFIX, job_id_from_arn, output_folder
from descgen.contract.messages import RecordResult, TokenUsage
from descgen.contract.output_lines import read_output_line
from descgen.contract.parse_output import body_lines
from descgen.contract.records import parse_record_id
from descgen.db.models import Batch, BatchShare, GenerationTask
from descgen.db.shares import write_real
from descgen.model_catalog import ModelPrice
from descgen.pooling import StoreUsage, attribute, usage_by_store
from descgen.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)


def share_the_bill(session: Session, s3: S3Client, settings: Settings, batch: Batch, price: ModelPrice) -> None:
    """Each store's part of the batch's real tokens and cost, into its ``batch_shares`` row."""
    records = dict(
        session.execute(select(BatchShare.store_id, BatchShare.records).where(BatchShare.batch_id == batch.id)).all()
    )
    if len(records) > 1:
        usage = _usage_in_output(session, s3, settings, batch)
        usage = {store: usage.get(store, StoreUsage(0)) for store in records}
    else:
        usage = {store: StoreUsage(count) for store, count in records.items()}
    write_real(session, batch.id, attribute(batch.input_tokens or 0, batch.output_tokens or 0, usage, price))


def _usage_in_output(session: Session, s3: S3Client, settings: Settings, batch: Batch) -> dict[str, StoreUsage]:
    assert batch.job_arn is not None
    prefix = f"{output_folder(settings.output_prefix, batch.id)}{job_id_from_arn(batch.job_arn)}/"
    usages: list[tuple[str, TokenUsage | None]] = []  # the lines' record ids and usage, not their text
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.bucket, Prefix=prefix):
        for listed in page.get("Contents", []):
            if listed["Key"].endswith(OUTPUT_SUFFIX):
                body = s3.get_object(Bucket=settings.bucket, Key=listed["Key"])["Body"]
                for line in body_lines(body):
                    read = read_output_line(line)
                    if isinstance(read, RecordResult):
                        usages.append((read.record_id, read.usage))
    task_of = {record_id: parsed[0] for record_id, _ in usages if (parsed := parse_record_id(record_id))}
    store_of_task = dict(
        session.execute(
            select(GenerationTask.id, GenerationTask.store_id).where(
                GenerationTask.id.in_(sorted(set(task_of.values())))
            )
        ).all()
    )
    store_of = {record_id: store_of_task[task] for record_id, task in task_of.items() if task in store_of_task}
    log.info("batch %s: %d output lines shared among %d stores", batch.id, len(usages), len(set(store_of.values())))
    return usage_by_store(usages, store_of)
