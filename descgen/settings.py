"""descgen's settings: one object, environment prefix ``DESCGEN_``, read once.

Nothing else in descgen reads the environment. The AWS locations have no default
on purpose: they come from Terraform's outputs (``infra/README.md``) or from the
local stack, which writes them to ``.env``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from descgen.aws_layout import LAYOUT
from descgen.model_catalog import ModelInfo, ModelQuota, QuotaOverride, check_usable, load_model_catalog, resolve_models
from descgen.publishing.webhook import WebhookTarget

RemainderPolicy = Literal["defer", "on_demand"]


class DatabaseSettings(BaseSettings):
    """Only where the database is: what the operator's commands need (no AWS location)."""

    model_config = SettingsConfigDict(
        env_prefix="DESCGEN_", env_file=".env", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    # the file `make demo` writes, so `descgen status demo` right after it reads what the demo made
    database_url: str = Field("sqlite:///descgen-demo.sqlite3", description="SQLAlchemy URL; PostgreSQL in production")


class PublishSettings(DatabaseSettings):
    """Where approved versions go (``descgen/publishing/``): all the publish flow needs, with
    the database (no AWS location)."""

    # --- publishing: the outbox to the shop ---
    webhooks: dict[str, WebhookTarget] = Field(
        default_factory=dict,
        description="per store id: the shop's webhook url and the secret it checks signatures with, e.g. "
        'DESCGEN_WEBHOOKS=\'{"acme": {"url": "https://...", "secret": "..."}}\'',
    )
    webhook_timeout_seconds: float = Field(
        10, gt=0, le=120, description="a POST unanswered by then is a failed attempt"
    )
    publish_dir: Path = Field(
        Path("descgen-published"),
        description="where the file publisher writes (a relative path is in the working directory, like the "
        "default database)",
    )
    outbox_max_attempts: int = Field(8, ge=1, description="failed deliveries before an outbox row is dead")
    outbox_backoff_seconds: float = Field(30, gt=0, description="wait after a first failed delivery; doubles each time")
    outbox_backoff_max_seconds: float = Field(3600, gt=0, description="the longest wait between two deliveries")
    outbox_lease_seconds: float = Field(
        900, gt=0, description="a row a run claimed but never settled (it crashed) is sent again after this"
    )


class HousekeepingSettings(DatabaseSettings):
    """What ``prune-versions`` needs: the database and the retention policy (no AWS location)."""

    # --- housekeeping: pruning description_versions (the rules: descgen/housekeeping.py) ---
    # Always kept, whatever these say: drafts, versions not yet delivered to the shop, the
    # current text and the one before it (rollback puts it back).
    versions_keep_days: float = Field(14, ge=0, description="every version newer than this is kept")
    rejected_keep_days: float = Field(
        90, ge=0, description="a rejected draft is kept this long after its review (the reviewers' record)"
    )
    rollback_window_days: float = Field(
        30,
        ge=0,
        description="every version a batch wrote (and its rollback's) is kept while the batch is younger than "
        "this: it can be rolled back, and the rollback undone, as a whole",
    )
    prune_chunk_versions: int = Field(
        5000, ge=1, le=100_000, description="versions read, decided and deleted per transaction"
    )


class Settings(DatabaseSettings):
    # --- AWS locations (Terraform outputs) ---
    aws_region: str = "us-east-1"
    bucket: str = Field(description="bucket holding input/ and output/")
    topic_arn: str = Field(description="SNS topic that create_bedrock_job listens on")
    queue_url: str = Field(description="SQS queue parse_output sends results to")
    dlq_url: str = Field(description="dead-letter queue of queue_url")
    input_prefix: str = LAYOUT.input_prefix
    output_prefix: str = LAYOUT.output_prefix

    # --- endpoints and credentials: the emulators, or the default chain ---
    s3_endpoint_url: str | None = None
    sns_endpoint_url: str | None = None
    sqs_endpoint_url: str | None = None
    bedrock_endpoint_url: str | None = None
    bedrock_runtime_endpoint_url: str | None = None
    cloudwatch_endpoint_url: str | None = None
    aws_credentials_block: str | None = Field(None, description="name of a prefect-aws AwsCredentials block")
    aws_access_key_id: str | None = Field(None, description="for the emulators only; in AWS use the default chain")
    aws_secret_access_key: SecretStr | None = None

    # --- generation ---
    model_id: str = Field(
        default_factory=lambda: load_model_catalog().default_model,
        description="default model of generate runs: an id of the model catalog (descgen/model_catalog.json)",
    )
    structured_output: bool = Field(
        True, description="ask for JSON (body, meta title, meta description) where the model supports it"
    )
    max_output_tokens: int = Field(600, ge=64, description="the prompt asks for 250-300 tokens; this is the cap")
    temperature: float = Field(0.5, ge=0, le=1)
    max_attempts: int = Field(3, ge=1, description="a task failing this often is failed with its last reason")

    # --- models, quotas, remainder ---
    models: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="per model id: catalog fields to change (prices, quota, ...) or a new model"
    )
    quota_override: QuotaOverride = Field(
        default_factory=QuotaOverride, description="this account's batch quotas, applied to every model"
    )
    remainder_policy: RemainderPolicy = "defer"
    remainder_max_age_hours: float = Field(24, ge=0, description="a deferred remainder older than this goes anyway")

    # --- results: SQS pages and drain ---
    page_size: int = Field(100, ge=1, le=1000, description="results per SQS message; 1 = one message per product")
    max_message_bytes: int = Field(LAYOUT.queue.max_message_size, ge=1024, le=262_144)
    receive_wait_seconds: int = Field(LAYOUT.queue.receive_wait_time_seconds, ge=0, le=20)
    dlq_alert_threshold: int = Field(10, ge=0)

    # --- what may be published ---
    allowed_tags: frozenset[str] = frozenset({"p", "ul", "li", "span", "strong", "em"})
    allowed_attributes: dict[str, frozenset[str]] = Field(default_factory=dict)
    max_description_chars: int = Field(6000, ge=1, description="a cap on stored HTML; length itself is the voice's")
    quality_gate: bool = Field(
        True, description="score every accepted answer (descgen/quality/gate.py) before storing it"
    )
    drain_read_ahead: bool = Field(
        True,
        description="judge the next receive in a second process while this one is written (a second core; "
        "started at the first full receive)",
    )

    # --- monitor ---
    result_grace_minutes: float = Field(
        30, ge=0, description="after a job ends, how long results may still be in flight before tasks are retried"
    )
    stale_batch_minutes: float = Field(30, ge=0, description="a batch with no job after this is republished")
    max_job_requests: int = Field(
        3, ge=1, description="after this many job requests with no job, the batch's tasks are retried elsewhere"
    )
    max_slot_wait_hours: float = Field(
        72, gt=0, description="a written batch waiting this long for a job slot goes back to pending (an attempt)"
    )
    max_throttles: int = Field(
        10, ge=0, description="throttled records retried without counting an attempt; past this, throttles count"
    )

    # --- metrics (descgen/metrics.py; the dashboard in infra/dashboard.tf reads them) ---
    metrics_namespace: str = Field(
        "descgen",
        max_length=255,
        pattern=r"^[^:]*$",
        description="CloudWatch namespace of the flows' metrics (Terraform's descgen_env sets the deployment's); "
        "empty: no metric is sent",
    )

    _catalog: dict[str, ModelInfo] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        self._catalog = resolve_models(self.models)

    @property
    def catalog(self) -> dict[str, ModelInfo]:
        """The model catalog with this deployment's overrides."""
        return self._catalog

    def model(self, model_id: str) -> ModelInfo:
        """The model's catalog entry; ``ModelRefused`` if it is unknown, EOL, unpriced or has no batch."""
        return check_usable(self._catalog, model_id)

    def quota(self, model_id: str) -> ModelQuota:
        return self.quota_override.apply(self.model(model_id).quota)


@lru_cache
def get_settings() -> Settings:
    return Settings()  # required fields come from the environment


@lru_cache
def get_publish_settings() -> PublishSettings:
    return PublishSettings()


@lru_cache
def get_housekeeping_settings() -> HousekeepingSettings:
    return HousekeepingSettings()
