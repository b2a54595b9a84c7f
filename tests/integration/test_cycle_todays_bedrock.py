"""Today's Bedrock on the local stack: every model family, Converse jobs, structured output, quotas.

The same production path as ``test_cycle.py`` (its fixtures: a Prefect test
harness, the local stack, a fresh SQLite database per test).
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select, update

from descgen.contract.keys import input_key, job_wait_key, output_folder, s3_uri
from descgen.contract.records import make_record_id
from descgen.db.batches import claim_batch, job_name_for
from descgen.db.catalog import facts
from descgen.db.models import Batch, Description, GenerationTask, Product
from descgen.db.session import session_scope
from descgen.model_catalog import load_model_catalog
from descgen.prompts import model_input
from descgen.settings import get_settings
from local.bedrock_emulator import JobFaults
from tests.builders import anthropic_body, catalog
from tests.integration.test_cycle import (  # noqa: F401  (fixtures are imported to be used as arguments)
    cycle,
    engine,
    load,
    prefect_server,
    settings_env,
    settle,
    stack,
    states,
    tasks,
)

DEFAULT = load_model_catalog().default_model


def batches(engine, store) -> list[Batch]:
    with session_scope(engine) as session:
        return list(session.scalars(select(Batch).where(Batch.store_id == store).order_by(Batch.created_at)))


def jobs_per_batch(stack, engine, store) -> list[int]:
    """Bedrock jobs made for each batch (a republish with the same clientRequestToken makes none)."""
    listed = stack.client("bedrock").list_model_invocation_jobs(nameContains=store)["invocationJobSummaries"]
    return [sum(job["jobName"] == b.job_name for job in listed) for b in batches(engine, store)]


def descriptions(engine, store) -> list[Description]:
    with session_scope(engine) as session:
        return list(session.scalars(select(Description).where(Description.store_id == store)))


@pytest.mark.parametrize(
    ("model_id", "output_format"),
    [(DEFAULT, "json"), ("amazon.nova-lite-v1:0", "text"), ("us.meta.llama3-3-70b-instruct-v1:0", "text")],
    ids=["anthropic", "amazon", "meta"],
)
def test_each_model_family_runs_the_whole_cycle_through_a_converse_job(stack, engine, model_id, output_format):
    # GIVEN a catalog in three languages
    store = load(engine, catalog(f"fam-{output_format}-{len(model_id) % 97}", products=4, languages=("en", "de", "fr")))
    # WHEN a cycle runs with the model
    cycle(stack, engine, store, model=model_id)
    # THEN every task is done, through a Converse job, with a body and both meta fields
    assert states(engine, store) == {"done": 12}
    [batch] = batches(engine, store)
    assert (batch.model_id, batch.invocation_type, batch.output_format) == (model_id, "Converse", output_format)
    job = stack.client("bedrock").get_model_invocation_job(jobIdentifier=batch.job_arn)
    assert job["modelInvocationType"] == "Converse"
    for description in descriptions(engine, store):
        assert description.html.startswith("<p>")
        assert 0 < len(description.meta_title) <= 60
        assert 0 < len(description.meta_description) <= 160
        assert "#" not in description.meta_title + description.meta_description


def test_a_batch_past_the_jobs_in_flight_quota_waits_and_is_published_later_with_no_attempt_counted(
    stack, engine, monkeypatch
):
    # GIVEN one job slot for the model and a catalog that needs three jobs
    monkeypatch.setenv("DESCGEN_QUOTA_OVERRIDE__MAX_JOBS_IN_FLIGHT", "1")
    monkeypatch.setenv("DESCGEN_QUOTA_OVERRIDE__MAX_RECORDS", "4")
    get_settings.cache_clear()
    store = load(engine, catalog("slots", products=12, languages=("en",)))
    from flows.generate_descriptions import generate_descriptions

    # WHEN generate runs
    generate_descriptions(store=store)
    # THEN one batch is published and the others are written and wait for the slot
    assert sorted(b.state for b in batches(engine, store)) == ["published", "waiting", "waiting"]
    # AND as the slot frees, monitor publishes them one at a time until every task is done
    settle(stack, engine, store)
    assert states(engine, store) == {"done": 12}
    assert {t.attempts for t in tasks(engine, store)} == {0}
    assert {b.state for b in batches(engine, store)} == {"closed"}
    assert jobs_per_batch(stack, engine, store) == [1, 1, 1]


@pytest.mark.parametrize("refusal", ["quota", "throttling"])
def test_a_job_request_bedrock_refuses_as_a_wait_goes_back_in_line_and_counts_nothing(stack, engine, refusal):
    from flows.generate_descriptions import generate_descriptions
    from flows.monitor_jobs import monitor_jobs

    # GIVEN Bedrock refusing job requests for the model: its slots all taken by jobs outside
    # descgen (ServiceQuotaExceededException), or throttling past the Lambda's own retries
    store = load(engine, catalog(f"refused-{refusal}", products=3, languages=("en",)))
    model = stack.bedrock.models()[DEFAULT]
    if refusal == "quota":
        stack.bedrock.set_model(dataclasses.replace(model, max_jobs_in_flight=0))
    else:
        stack.bedrock.set_throttles(create_throttles=1000)
    try:
        # WHEN generate publishes, the Lambda is refused, and monitor looks (no stale window here)
        generate_descriptions(store=store)
        stack.wait_until_idle(60)
        monitor_jobs()
        # THEN the batch is back in line, with neither the request nor an attempt counted
        [batch] = batches(engine, store)
        assert (batch.state, batch.job_requests) == ("waiting", 0)
        assert {t.attempts for t in tasks(engine, store)} == {0}
        # AND the Lambda's wait marker was taken, so a later lost request is not mistaken for a wait
        marker = job_wait_key(get_settings().output_prefix, batch.id)
        assert stack.client("s3").list_objects_v2(Bucket=stack.bucket, Prefix=marker)["KeyCount"] == 0
    finally:
        stack.bedrock.set_model(model)
        stack.bedrock.set_throttles(create_throttles=0)
    # AND once Bedrock takes the request, every task is done with one job request and no attempt
    settle(stack, engine, store)
    assert states(engine, store) == {"done": 3}
    assert jobs_per_batch(stack, engine, store) == [1]
    assert {t.attempts for t in tasks(engine, store)} == {0}


def test_throttled_records_are_retried_with_no_attempt_counted(stack, engine):
    # GIVEN a job whose every record is throttled (429)
    store = load(engine, catalog("throttled", products=5, languages=("en",)))
    stack.bedrock.set_faults(JobFaults(record_error_rate=1.0, record_error_code=429), job_name_contains=f"{store}-")
    # WHEN the cycle runs three times (as many as the attempt limit)
    for _ in range(3):
        cycle(stack, engine, store)
    # THEN no task failed: each throttle was a wait, not an attempt
    assert states(engine, store) == {"pending": 5}
    assert {(t.attempts, t.waits, t.sends) for t in tasks(engine, store)} == {(0, 3, 3)}
    # AND once Bedrock answers, every task is done
    stack.bedrock.reset_faults()
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 5}


def test_a_model_bedrock_retired_is_refused_before_any_claim(stack, engine):
    from flows.generate_descriptions import generate_descriptions
    from tasks.generate import sync_catalog

    # GIVEN pending tasks, and the default model retired on Bedrock since the catalog was written
    store = load(engine, catalog("retired", products=3, languages=("en",)))
    sync_catalog.fn(store, DEFAULT)
    model = stack.bedrock.models()[DEFAULT]
    stack.bedrock.set_model(dataclasses.replace(model, lifecycle="EOL"))
    try:
        # WHEN generate runs, THEN it fails naming the model, and no task left pending
        with pytest.raises(Exception, match=f"Bedrock does not offer model {DEFAULT}"):
            generate_descriptions(store=store)
    finally:
        stack.bedrock.set_model(model)
    assert states(engine, store) == {"pending": 3}
    assert batches(engine, store) == []


def test_a_model_the_catalog_knows_as_eol_is_refused_by_the_flow_parameters():
    from prefect.exceptions import ParameterTypeError

    from flows.generate_descriptions import generate_descriptions

    with pytest.raises(ParameterTypeError, match="model"):
        generate_descriptions(store="acme", model="anthropic.claude-3-5-sonnet-20240620-v1:0")


def test_a_batch_written_by_the_previous_version_and_in_flight_at_upgrade_is_drained(stack, engine):
    # GIVEN a batch the previous version claimed: Anthropic InvokeModel bodies, text answers,
    # and its SNS job request without modelInvocationType
    store = load(engine, catalog("upgrade", products=4, languages=("en", "de")))
    from tasks.generate import sync_catalog

    sync_catalog.fn(store, DEFAULT)
    settings = get_settings()
    with session_scope(engine) as session:
        batch = claim_batch(session, store, DEFAULT, None, 100, output_format="text")
        assert batch is not None
        batch_id = batch.id
        key = input_key(settings.input_prefix, batch_id)
        lines = []
        for task, product in session.execute(
            select(GenerationTask, Product)
            .join(Product, Product.id == GenerationTask.product_id)
            .where(GenerationTask.batch_id == batch_id)
        ):
            converse = model_input(facts(product), task.language_id, max_tokens=600, temperature=0.5, structured=False)
            body = anthropic_body(converse)
            lines.append(json.dumps({"recordId": make_record_id(task.id, task.sends), "modelInput": body}) + "\n")
        session.execute(update(Batch).where(Batch.id == batch_id).values(invocation_type="InvokeModel"))
    stack.client("s3").put_object(Bucket=settings.bucket, Key=key, Body="".join(lines).encode())
    old_message = {
        "schemaVersion": 1,
        "batchId": batch_id,
        "jobName": job_name_for(batch_id),
        "modelId": DEFAULT,
        "s3InputUri": s3_uri(settings.bucket, key),
        "s3OutputUri": s3_uri(settings.bucket, output_folder(settings.output_prefix, batch_id)),
    }
    with session_scope(engine) as session:
        row = session.get_one(Batch, batch_id)
        row.input_uri, row.output_uri, row.job_name = (
            old_message["s3InputUri"],
            old_message["s3OutputUri"],
            old_message["jobName"],
        )
        row.state, row.record_count = "published", len(lines)
        session.execute(update(GenerationTask).where(GenerationTask.batch_id == batch_id).values(state="submitted"))
    # WHEN this version's Lambdas, drain and monitor meet it
    stack.client("sns").publish(TopicArn=settings.topic_arn, Message=json.dumps(old_message))
    settle(stack, engine, store)
    # THEN it ran as an InvokeModel job and every task is done with a text answer and derived meta fields
    [batch] = batches(engine, store)
    job = stack.client("bedrock").get_model_invocation_job(jobIdentifier=batch.job_arn)
    assert job["modelInvocationType"] == "InvokeModel"
    assert states(engine, store) == {"done": 8}
    for description in descriptions(engine, store):
        assert description.html.startswith("<p>")
        assert description.meta_title.startswith("Product ")
        assert description.meta_description
