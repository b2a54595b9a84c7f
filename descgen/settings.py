"""descgen's settings: one object, environment prefix ``DESCGEN_``, read once.

Nothing else in descgen reads the environment. The AWS locations have no default
on purpose: they come from Terraform's outputs (``infra/README.md``) or from the
local stack, which writes them to ``.env``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from descgen.aws_layout import LAYOUT

RemainderPolicy = Literal["defer", "on_demand"]


class ModelQuota(BaseModel):
    """Bedrock batch inference quotas for one model (Service Quotas, per account and region)."""

    min_records: int = Field(100, ge=1)
    max_records: int = Field(50_000, ge=1)
    max_file_bytes: int = Field(1_000_000_000, ge=1)


class ModelPrice(BaseModel):
    """USD per million tokens."""

    on_demand_input: float
    on_demand_output: float
    batch_input: float
    batch_output: float
    taken_on: date = Field(description="when the figures were read off aws.amazon.com/bedrock/pricing")


# Anthropic models, us-east-1, standard tier, USD per million tokens as listed on
# https://aws.amazon.com/bedrock/pricing/ ; batch is 50% of on-demand for each.
# Read on PRICES_TAKEN_ON from public copies of that page (this build machine cannot
# reach aws.amazon.com). Claude 3.5 Sonnet keeps the list price the original design
# costed with ($3/$15: 1,000 products x 3 languages = $15.75 vs $7.88); AWS has since
# moved it to extended-access pricing (reported $6/$30). Override ``prices`` in
# settings with your own contract's figures before trusting a bill.
PRICES_TAKEN_ON = date(2026, 11, 26)
DEFAULT_PRICES: dict[str, ModelPrice] = {
    model: ModelPrice(
        on_demand_input=inp,
        on_demand_output=out,
        batch_input=inp / 2,
        batch_output=out / 2,
        taken_on=PRICES_TAKEN_ON,
    )
    for model, inp, out in (
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", 3.00, 15.00),
        ("anthropic.claude-3-5-sonnet-20241022-v2:0", 3.00, 15.00),
        ("anthropic.claude-3-5-haiku-20241022-v1:0", 0.80, 4.00),
        ("anthropic.claude-3-haiku-20240307-v1:0", 0.25, 1.25),
        ("anthropic.claude-sonnet-4-20250514-v1:0", 3.00, 15.00),
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", 3.00, 15.00),
        ("anthropic.claude-haiku-4-5-20251001-v1:0", 1.00, 5.00),
    )
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DESCGEN_", env_file=".env", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    # --- database ---
    database_url: str = Field("sqlite:///descgen.sqlite3", description="SQLAlchemy URL; PostgreSQL in production")

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
    aws_credentials_block: str | None = Field(None, description="name of a prefect-aws AwsCredentials block")
    aws_access_key_id: str | None = Field(None, description="for the emulators only; in AWS use the default chain")
    aws_secret_access_key: SecretStr | None = None

    # --- generation ---
    model_id: str = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    max_output_tokens: int = Field(600, ge=64, description="the prompt asks for 250-300 tokens; this is the cap")
    temperature: float = Field(0.5, ge=0, le=1)
    max_attempts: int = Field(3, ge=1, description="a task failing this often is failed with its last reason")

    # --- quotas, remainder, prices ---
    default_quota: ModelQuota = ModelQuota()
    quotas: dict[str, ModelQuota] = Field(default_factory=dict, description="per model id; else default_quota")
    remainder_policy: RemainderPolicy = "defer"
    remainder_max_age_hours: float = Field(24, ge=0, description="a deferred remainder older than this goes anyway")
    prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    # --- results: SQS pages and drain ---
    page_size: int = Field(100, ge=1, le=1000, description="results per SQS message; 1 = one message per product")
    max_message_bytes: int = Field(LAYOUT.queue.max_message_size, ge=1024, le=262_144)
    receive_wait_seconds: int = Field(LAYOUT.queue.receive_wait_time_seconds, ge=0, le=20)
    dlq_alert_threshold: int = Field(10, ge=0)

    # --- what may be published ---
    allowed_tags: frozenset[str] = frozenset({"p", "ul", "li", "span", "strong", "em"})
    allowed_attributes: dict[str, frozenset[str]] = Field(default_factory=dict)
    min_description_chars: int = Field(80, ge=0)
    max_description_chars: int = Field(6000, ge=1)

    # --- monitor ---
    result_grace_minutes: float = Field(
        30, ge=0, description="after a job ends, how long results may still be in flight before tasks are retried"
    )
    stale_batch_minutes: float = Field(30, ge=0, description="a batch with no job after this is republished")
    max_job_requests: int = Field(
        3, ge=1, description="after this many job requests with no job, the batch's tasks are retried elsewhere"
    )

    def quota(self, model_id: str) -> ModelQuota:
        return self.quotas.get(model_id, self.default_quota)


@lru_cache
def get_settings() -> Settings:
    return Settings()  # required fields come from the environment
