"""The catalog and the results, in SQLAlchemy 2 style.

Every table that holds store data carries ``store_id`` so every query can be
scoped by store. Times are stored in UTC and always read back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from descgen.lifecycle import BatchState, TaskState, VersionStatus
from descgen.quality.near_duplicates import BANDS

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in(column: str, values: Any) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # when generate-due-stores runs it (descgen.schedules.StoreSchedule as JSON; None: the default window)
    schedule: Mapped[dict[str, str] | None] = mapped_column(JSON)
    monthly_budget_usd: Mapped[float | None] = mapped_column(Float)  # None: no budget
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the last scheduled run started


class Language(Base):
    __tablename__ = "languages"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # "en", "pt-BR"
    name: Mapped[str] = mapped_column(String(100))


class StoreLanguage(Base):
    """The languages a store publishes in: one generation task per product and each."""

    __tablename__ = "store_languages"

    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    language_id: Mapped[str] = mapped_column(ForeignKey("languages.id"), primary_key=True)


_ARCHIVED = text("archived_at IS NOT NULL")


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("store_id", "external_id"),
        # a store's archived products (their tasks are set aside: db/catalog.py): few, so a partial index (0005)
        Index("ix_products_archived", "store_id", "id", postgresql_where=_ARCHIVED, sqlite_where=_ARCHIVED),
        # the sync's pages: a store's products in id order, whatever the mix of stores (0007)
        Index("ix_products_store_order", "store_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))  # the store's product id, used in the marker
    title: Mapped[str] = mapped_column(Text)
    seo_keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    attributes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # absent from the store's last full import: no new tasks, descriptions kept; an import that has it restores it
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # what the sync reads (``db/catalog.sync_tasks``): the facts' version, raised by a trigger whenever the
    # title, keywords or attributes change, by an import or by hand (0008); the version the last sync of the
    # product read, and a digest of the other inputs it used (``syncing.inputs_digest``). Equal: not read again
    facts_version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    synced_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    synced_inputs: Mapped[str | None] = mapped_column(String(32))


class Batch(Base):
    """One batch = one JSONL file = one Bedrock job (or one on-demand run)."""

    __tablename__ = "batches"
    __table_args__ = (CheckConstraint(_in("state", BatchState), name="state"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # also the clientRequestToken
    # None: a pooled batch, with the remainders of several stores (its shares say whose)
    store_id: Mapped[str | None] = mapped_column(ForeignKey("stores.id"), index=True)
    model_id: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16), default="batch")  # batch | on_demand
    # how the file was written: Converse bodies asking for JSON or for text; a batch of the
    # previous version (Anthropic InvokeModel bodies, text answers) keeps "InvokeModel"/"text"
    invocation_type: Mapped[str] = mapped_column(String(16), default="Converse", server_default="InvokeModel")
    output_format: Mapped[str] = mapped_column(String(8), default="json", server_default="text")
    state: Mapped[str] = mapped_column(String(16), default=BatchState.CLAIMED, index=True)
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    input_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    input_uri: Mapped[str | None] = mapped_column(Text)
    output_uri: Mapped[str | None] = mapped_column(Text)
    job_name: Mapped[str | None] = mapped_column(String(63))
    job_arn: Mapped[str | None] = mapped_column(String(300))
    job_status: Mapped[str | None] = mapped_column(String(32))
    job_message: Mapped[str | None] = mapped_column(Text)
    estimated_input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    estimated_output_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    estimated_cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    estimated_on_demand_cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    input_tokens: Mapped[int | None] = mapped_column(BigInteger)
    output_tokens: Mapped[int | None] = mapped_column(BigInteger)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    on_demand_cost_usd: Mapped[float | None] = mapped_column(Float)
    job_requests: Mapped[int] = mapped_column(Integer, default=0)  # job requests published (republishes too)
    waiting_since: Mapped[datetime | None] = mapped_column(UtcDateTime)  # written, waiting for a job slot
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the generate run is still at it
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when monitor-jobs first saw the job end
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rolled_back_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BatchShare(Base):
    """One store's part of one batch: what it put in, and its share of the bill (``descgen.pooling``).

    Every batch has one per store in it (a pooled batch several). The estimate is written
    with the input file, the real figures when monitor-jobs reads the manifest; a store's
    monthly spend is the sum of its shares (``descgen.budgets``).
    """

    __tablename__ = "batch_shares"
    __table_args__ = (Index("ix_batch_shares_store_created", "store_id", "created_at"),)

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    records: Mapped[int] = mapped_column(Integer, default=0)
    estimated_cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    estimated_on_demand_cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    input_tokens: Mapped[int | None] = mapped_column(BigInteger)
    output_tokens: Mapped[int | None] = mapped_column(BigInteger)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    on_demand_cost_usd: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class GenerationTask(Base):
    """One (product, language): the unit of work from claim to description."""

    __tablename__ = "generation_tasks"
    __table_args__ = (
        UniqueConstraint("product_id", "language_id"),
        CheckConstraint(_in("state", TaskState), name="state"),
        Index("ix_generation_tasks_claimable", "store_id", "state", "language_id"),
        # the claim's WHERE and ORDER BY (db/batches.py): read in order up to the LIMIT, never sorted (0005)
        Index("ix_generation_tasks_claim_order", "store_id", "state", "pending_since", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    language_id: Mapped[str] = mapped_column(ForeignKey("languages.id"))
    state: Mapped[str] = mapped_column(String(16), default=TaskState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed attempts: at max_attempts, failed
    # sends so far: the record id's number, so a late result of an earlier send is never taken for a newer one
    sends: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    waits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # throttled sends, not attempts
    fingerprint: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)  # why it is failed, skipped or back to pending
    pending_since: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    product: Mapped[Product] = relationship(lazy="raise")


class Description(Base):
    """The current description of one product in one language."""

    __tablename__ = "descriptions"
    __table_args__ = (
        UniqueConstraint("product_id", "language_id"),
        CheckConstraint("source IN ('ai', 'human')", name="source"),
        # near-duplicate candidates: a text's LSH buckets, found by index (quality/near_duplicates.py)
        *(Index(f"ix_descriptions_band_{band}", "store_id", "language_id", f"band_{band}") for band in range(BANDS)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    language_id: Mapped[str] = mapped_column(ForeignKey("languages.id"))
    html: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8), default="ai")
    meta_title: Mapped[str | None] = mapped_column(Text)
    meta_description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # what the AI text was generated from
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # the text's MinHash signature and its LSH buckets: near-duplicates are found and compared by
    # these, never by reading texts back (None: written while the quality gate was off)
    text_signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    band_0: Mapped[int | None] = mapped_column(BigInteger)
    band_1: Mapped[int | None] = mapped_column(BigInteger)
    band_2: Mapped[int | None] = mapped_column(BigInteger)
    band_3: Mapped[int | None] = mapped_column(BigInteger)
    band_4: Mapped[int | None] = mapped_column(BigInteger)
    band_5: Mapped[int | None] = mapped_column(BigInteger)
    band_6: Mapped[int | None] = mapped_column(BigInteger)
    band_7: Mapped[int | None] = mapped_column(BigInteger)


BAND_COLUMNS = tuple(f"band_{band}" for band in range(BANDS))


class DescriptionVersion(Base):
    """Every accepted text: the published ones (numbered, so a bad batch can be rolled back)
    and the drafts the quality gate held for review (no number until published)."""

    __tablename__ = "description_versions"
    __table_args__ = (
        UniqueConstraint("description_id", "version"),
        CheckConstraint(_in("status", VersionStatus), name="status"),
        Index("ix_description_versions_review", "store_id", "status"),
        # one product's history in one language by id: rollback, review, pruning (0005)
        Index("ix_description_versions_pair", "product_id", "language_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    language_id: Mapped[str] = mapped_column(ForeignKey("languages.id"))
    # the current description it belongs to; a draft of a product with none yet has none
    description_id: Mapped[int | None] = mapped_column(ForeignKey("descriptions.id", ondelete="CASCADE"))
    version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.APPROVED, server_default="published")
    html: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8))
    meta_title: Mapped[str | None] = mapped_column(Text)
    meta_description: Mapped[str | None] = mapped_column(Text)
    # the quality gate's scores per check, outcome and reasons (None: written before the gate or by a person)
    quality: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # who approved or rejected it, why, and when (None: the store's publish policy decided)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # written by rolling back this batch (``db/rollback.py``): the text from before it, or "" where it was removed
    rollback_of: Mapped[str | None] = mapped_column(String(64))


class OutboxEntry(Base):
    """An approved version on its way to the shop: written in the approval's transaction,
    delivered at least once (in order per product and language), with an idempotency key."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "delivered_at", "dead_at", "next_attempt_at"),
        # a version's rows: the cascade when it is deleted, and pruning's "still undelivered?" (0005)
        Index("ix_outbox_version", "version_id"),
        # every row of a pair: redrive's "is there a newer version?", the claim's join back (0005)
        Index("ix_outbox_pair", "product_id", "language_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    language_id: Mapped[str] = mapped_column(ForeignKey("languages.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("description_versions.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dead_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # out of attempts: visible, can be redriven
    last_error: Mapped[str | None] = mapped_column(Text)


class StoreVoice(Base):
    """Every version of a store's brand voice (``quality/voice.py``); the highest is current."""

    __tablename__ = "store_voices"

    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    voice: Mapped[dict[str, Any]] = mapped_column(JSON)
    prompt_digest: Mapped[str] = mapped_column(String(16))  # part of every task's fingerprint
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class QualityTally(Base):
    """Counts per batch and language: checks passed and failed, outcomes (the quality report's numbers)."""

    __tablename__ = "quality_tallies"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    language_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    # "<check>:passed", "<check>:failed", "outcome:<publish|hold|retry>", "reason:<check>: <kind of reason>"
    name: Mapped[str] = mapped_column(String(160), primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DeadLetterNote(Base):
    """What the drain learned of a message it left for the dead-letter queue, keyed by the SQS
    message id (``descgen/dead_letters.py``): the redrive dry run shows it next to the message."""

    __tablename__ = "dead_letter_notes"

    message_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    batch_id: Mapped[str | None] = mapped_column(String(100))  # not a foreign key: the batch may be unknown
    reason: Mapped[str] = mapped_column(Text)
    preview: Mapped[str] = mapped_column(Text)
    receive_count: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime, index=True)  # pruning's "older than the DLQ keeps"
