"""Many small stores through one scheduled run: remainders pooled into one job, budgets, each store's share.

50 stores with 30 changed products each: alone, each is under the batch minimum of 100
records and would wait a day (or pay twice on demand). generate-due-stores pools them
into one Bedrock job on the local stack, and the drain puts every answer in its own
store. monitor-jobs shares the manifest's bill among the stores.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from descgen import cli
from descgen.contract.keys import OUTPUT_SUFFIX, job_id_from_arn, output_folder
from descgen.contract.output_lines import read_output_line
from descgen.contract.records import parse_record_id
from descgen.db.models import Batch, BatchShare, Description, GenerationTask, Product, Store, utcnow
from descgen.db.session import session_scope
from descgen.lifecycle import OPEN_STATES
from descgen.settings import get_settings
from tests.builders import catalog
from tests.integration.test_cycle import (  # noqa: F401  (fixtures are imported to be used as arguments)
    engine,
    load,
    prefect_server,
    settings_env,
    stack,
)

STORES = 50
PRODUCTS = 30


@pytest.fixture
def batch_minimum(settings_env, monkeypatch):
    """The real batch minimum (the cycle tests lower it to 1)."""
    monkeypatch.setenv("DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS", "100")
    get_settings.cache_clear()
    yield 100
    get_settings.cache_clear()


def open_window_now(hours: int = 1) -> dict[str, str]:
    now = utcnow()
    return {
        "timezone": "UTC",
        "start": f"{(now - timedelta(hours=hours)):%H:%M}",
        "end": f"{(now + timedelta(hours=hours)):%H:%M}",
    }


def small_store(number: int, **store_fields) -> dict:
    document = catalog(f"small-{number:02d}", products=PRODUCTS, languages=("en",))
    document["store"].update(store_fields)
    return document


def settle_all(stack, engine, rounds: int = 15) -> None:
    from flows.drain_results import drain_results
    from flows.monitor_jobs import monitor_jobs

    for _ in range(rounds):
        stack.wait_until_idle(60)
        drain_results(max_seconds=60)
        monitor_jobs()
        with session_scope(engine) as session:
            in_flight = session.scalar(
                select(func.count())
                .select_from(GenerationTask)
                .where(GenerationTask.state.in_([s for s in OPEN_STATES if s != "pending"]))
            )
            open_batches = session.scalar(select(func.count()).select_from(Batch).where(Batch.closed_at.is_(None)))
        if not in_flight and not open_batches:
            return
    raise AssertionError("tasks still in flight")


def test_fifty_small_stores_share_one_pooled_job_and_each_pays_its_share(stack, engine, batch_minimum, monkeypatch):
    import flows.generate_descriptions as generate_flow
    from flows.generate_due_stores import generate_due_stores

    events: list[dict] = []
    monkeypatch.setattr(generate_flow, "emit_event", lambda **event: events.append(event))
    for number in range(STORES - 1):
        load(engine, small_store(number, schedule=open_window_now()))
    budgeted = load(engine, small_store(STORES - 1, schedule=open_window_now(), monthly_budget_usd=0.03))
    load(engine, small_store(99, schedule={"timezone": "UTC", **closed_window()}))  # not due: left alone

    runs = generate_due_stores()

    assert len(runs) == STORES
    with session_scope(engine) as session:
        batches = list(session.scalars(select(Batch)))
        [pooled] = batches  # one pooled job: no store's own batch, no on-demand run
        assert pooled.store_id is None
        assert pooled.mode == "batch"
        claimed = dict(
            session.execute(
                select(GenerationTask.store_id, func.count())
                .where(GenerationTask.batch_id == pooled.id)
                .group_by(GenerationTask.store_id)
            ).all()
        )
    [event] = events
    assert event["event"] == generate_flow.BUDGET_EVENT
    assert event["resource"]["prefect.resource.id"] == f"descgen.store.{budgeted}"
    allowed = event["payload"]["allowed"]
    assert 0 < allowed < PRODUCTS == event["payload"]["wanted"]
    assert claimed.pop(budgeted) == allowed  # the budget stopped the rest before any was bought
    assert claimed == {f"small-{n:02d}": PRODUCTS for n in range(STORES - 1)}
    assert pooled.record_count == (STORES - 1) * PRODUCTS + allowed

    settle_all(stack, engine)

    with session_scope(engine) as session:
        # every description in its own store: the product it names is the store's
        wrong = session.scalar(
            select(func.count())
            .select_from(Description)
            .join(Product, Product.id == Description.product_id)
            .where(Description.store_id != Product.store_id)
        )
        assert wrong == 0
        per_store = dict(
            session.execute(select(Description.store_id, func.count()).group_by(Description.store_id)).all()
        )
        assert per_store == {f"small-{n:02d}": PRODUCTS for n in range(STORES - 1)} | {budgeted: allowed}
        left = session.scalar(
            select(func.count()).where(GenerationTask.store_id == budgeted, GenerationTask.state == "pending")
        )
        assert left == PRODUCTS - allowed  # waits for next month's budget
        assert session.scalar(select(func.count()).where(GenerationTask.store_id == "small-99")) == 0

        batch = session.get_one(Batch, pooled.id)
        shares = {s.store_id: s for s in session.scalars(select(BatchShare).where(BatchShare.batch_id == pooled.id))}
        assert batch.cost_usd is not None
        assert sum(s.input_tokens or 0 for s in shares.values()) == batch.input_tokens
        assert sum(s.output_tokens or 0 for s in shares.values()) == batch.output_tokens
        assert sum(s.cost_usd or 0 for s in shares.values()) == pytest.approx(batch.cost_usd, rel=1e-9)
        store_of_task = dict(session.execute(select(GenerationTask.id, GenerationTask.store_id)).all())
        job_id = job_id_from_arn(batch.job_arn or "")

    # each store's share is its own records' usage, as the output lines report it
    s3 = stack.client("s3")
    key = f"{output_folder('output/', pooled.id)}{job_id}/{pooled.id}{OUTPUT_SUFFIX}"
    body = s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read()
    usage: dict[str, list[int]] = {}
    for line in body.splitlines():
        result = read_output_line(line)
        parsed = parse_record_id(result.record_id)
        assert result.usage is not None
        assert parsed is not None
        total = usage.setdefault(store_of_task[parsed[0]], [0, 0])
        total[0] += result.usage.input_tokens
        total[1] += result.usage.output_tokens
    assert {store: [s.input_tokens, s.output_tokens] for store, s in shares.items()} == usage

    # a pooled batch is each of its stores' batch, and no other store's
    assert cli.main(["quality", "small-00", "--batch", pooled.id]) == 0
    assert cli.main(["quality", "small-99", "--batch", pooled.id]) == 2


def closed_window() -> dict[str, str]:
    now = utcnow()
    return {"start": f"{(now + timedelta(hours=3)):%H:%M}", "end": f"{(now + timedelta(hours=4)):%H:%M}"}


def test_a_store_is_generated_once_per_window_and_a_new_store_is_a_catalog_import(stack, engine, batch_minimum):
    from prefect.client.orchestration import get_client

    from flows.generate_descriptions import generate_descriptions
    from flows.generate_due_stores import generate_due_stores

    first = load(engine, small_store(1, schedule=open_window_now()))
    assert [run.store for run in generate_due_stores()] == [first]
    assert generate_due_stores() == []  # ran in this window already
    second = load(engine, small_store(2, schedule=open_window_now()))  # a new store: no deployment edited
    assert [run.store for run in generate_due_stores()] == [second]
    with session_scope(engine) as session:
        session.execute(update(Store).values(last_run_at=utcnow() - timedelta(days=1)))
    assert [run.store for run in generate_due_stores(dry_run=True)] == [first, second]  # a dry run marks nothing
    assert [run.store for run in generate_due_stores()] == [first, second]
    generate_descriptions(store=first, languages=["en"], limit=1234, dry_run=True)
    # run names show what was asked, resolved: the default model by its id, counts with separators
    with get_client(sync_client=True) as client:
        names = {run.name for run in client.read_flow_runs(limit=200)}
    model = get_settings().model_id
    assert f"generate due stores: up to 1,000,000 each with {model} (default) (dry run)" in names
    assert f"generate due stores: up to 1,000,000 each with {model} (default)" in names
    assert f"generate {first}: en, up to 1,234 with {model} (default) (dry run)" in names


def test_a_store_without_a_schedule_keeps_it_and_a_file_without_one_leaves_it(engine):
    load(engine, small_store(3, schedule={"timezone": "Europe/Berlin", "start": "01:00", "end": "04:00"}))
    load(engine, small_store(3))  # the same store, no schedule in the file
    with session_scope(engine) as session:
        store = session.get_one(Store, "small-03")
        assert store.schedule == {"timezone": "Europe/Berlin", "start": "01:00", "end": "04:00"}
        assert json.dumps(store.schedule)
