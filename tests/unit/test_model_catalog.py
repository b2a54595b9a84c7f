"""The model catalog: data that says which models descgen may use, and rules that refuse the rest early."""

from datetime import UTC, datetime

import pytest

from descgen.batching import WaitingBatch, next_for_slots
from descgen.lifecycle import RetryBudget, TaskState, failure_change
from descgen.model_catalog import ModelRefused, QuotaOverride, check_usable, load_model_catalog, resolve_models
from descgen.settings import Settings

CATALOG = load_model_catalog()
MODELS = CATALOG.by_id()
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def settings(**overrides):
    return Settings(bucket="b", topic_arn="t", queue_url="q", dlq_url="d", **overrides)


def test_the_catalog_holds_current_claude_nova_and_open_weight_models_with_sources():
    usable = [m for m in CATALOG.models if m.batch and m.lifecycle != "EOL"]
    assert any("haiku-4" in m.id for m in usable)
    assert any("sonnet-4" in m.id for m in usable)
    assert sum(m.provider == "Amazon" for m in usable) >= 2
    assert any(m.provider not in ("Anthropic", "Amazon") for m in usable)
    for model in usable:
        assert model.price is not None, model.id
        assert model.price.source.startswith("https://"), model.id
        assert model.price.batch_input == pytest.approx(model.price.on_demand_input / 2), model.id
        assert model.sources, model.id


def test_the_default_is_an_active_batch_model_reached_as_aws_requires():
    default = check_usable(MODELS, CATALOG.default_model)
    assert default.lifecycle == "ACTIVE"
    assert default.batch
    assert default.structured_output
    assert settings().model_id == CATALOG.default_model


@pytest.mark.parametrize(
    ("model_id", "says"),
    [
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", "reached end of life"),
        ("acme.unknown-v1:0", "is not in the model catalog"),
    ],
)
def test_an_eol_or_unknown_model_is_refused_with_what_to_use_instead(model_id, says):
    with pytest.raises(ModelRefused, match=says) as refused:
        settings().model(model_id)
    assert CATALOG.default_model in str(refused.value)


def test_a_model_without_batch_or_without_a_price_is_refused():
    models = resolve_models({"amazon.nova-lite-v1:0": {"batch": False}})
    with pytest.raises(ModelRefused, match="does not support Bedrock batch inference"):
        check_usable(models, "amazon.nova-lite-v1:0")
    models = resolve_models(
        {"acme.new-v1:0": {"name": "New", "provider": "Acme", "base_model_id": "acme.new-v1:0", "batch": True}}
    )
    with pytest.raises(ModelRefused, match="has no known price"):
        check_usable(models, "acme.new-v1:0")


def test_settings_change_a_catalog_entry_and_apply_the_accounts_quota_to_every_model():
    custom = settings(
        models={"amazon.nova-lite-v1:0": {"price": {"batch_input": 0.01}, "quota": {"max_jobs_in_flight": 3}}},
        quota_override=QuotaOverride(min_records=1),
    )
    nova = custom.model("amazon.nova-lite-v1:0")
    assert nova.price is not None
    assert nova.price.batch_input == 0.01
    assert nova.price.on_demand_input == MODELS["amazon.nova-lite-v1:0"].price.on_demand_input  # the rest is kept
    assert custom.quota("amazon.nova-lite-v1:0").max_jobs_in_flight == 3
    assert custom.quota("amazon.nova-lite-v1:0").min_records == 1
    assert custom.quota(CATALOG.default_model).min_records == 1


def waiting(batch_id, store, minute, model="m"):
    return WaitingBatch(batch_id, store, model, NOW.replace(minute=minute))


@pytest.mark.parametrize(
    ("batches", "free", "chosen"),
    [
        ([], {"m": 3}, []),
        ([waiting("a1", "a", 1), waiting("a2", "a", 2)], {"m": 0}, []),
        ([waiting("a1", "a", 1), waiting("a2", "a", 2)], {"m": 5}, ["a1", "a2"]),
        # a store with a backlog takes turns with a store that has one batch
        (
            [waiting("a1", "a", 1), waiting("a2", "a", 2), waiting("a3", "a", 3), waiting("b1", "b", 9)],
            {"m": 2},
            ["a1", "b1"],
        ),
        # oldest first within a store, whatever order they come in
        ([waiting("a2", "a", 2), waiting("a1", "a", 1)], {"m": 1}, ["a1"]),
        # slots are per model
        ([waiting("a1", "a", 1, "x"), waiting("b1", "b", 2, "y")], {"x": 0, "y": 1}, ["b1"]),
    ],
)
def test_free_job_slots_go_to_the_oldest_waiting_batches_taking_turns_across_stores(batches, free, chosen):
    assert next_for_slots(batches, free) == chosen


BUDGET = RetryBudget(max_attempts=3, max_waits=2)


@pytest.mark.parametrize(
    ("attempts", "waits", "wait", "can_heal", "state", "new_attempts", "new_waits"),
    [
        (0, 0, False, True, TaskState.PENDING, 1, 0),  # a failure counts an attempt
        (2, 0, False, True, TaskState.FAILED, 3, 0),  # ...and fails the task at the limit
        (0, 0, False, False, TaskState.FAILED, 1, 0),  # an error that cannot heal fails at once
        (2, 0, True, True, TaskState.PENDING, 2, 1),  # a throttle waits: no attempt, even at the limit's edge
        (0, 2, True, True, TaskState.PENDING, 1, 2),  # past the wait budget a throttle counts as an attempt
    ],
)
def test_a_failed_send_counts_an_attempt_and_a_throttle_does_not_within_its_budget(
    attempts, waits, wait, can_heal, state, new_attempts, new_waits
):
    change = failure_change(
        7, TaskState.SUBMITTED, attempts, 4, waits, "why", BUDGET, NOW, can_heal=can_heal, wait=wait
    )
    assert (change["state"], change["attempts"], change["waits"]) == (state, new_attempts, new_waits)
    assert change["sends"] == 5  # the next send has a new record id
    assert ("batch_id" in change) == (state == TaskState.PENDING)


def test_the_seed_scenario_is_priced_for_every_usable_model_batch_at_half_of_on_demand():
    from bench.model_costs import rows

    priced = {model_id: (batch, on_demand) for model_id, _, _, batch, on_demand in rows()}
    assert set(priced) == {m.id for m in CATALOG.models if m.batch and m.lifecycle != "EOL"}
    for batch, on_demand in priced.values():
        assert batch == pytest.approx(on_demand / 2)
    # the default: 3,000 records x (250 in at $1.10/M + 300 out at $5.50/M) with the 10% regional premium
    assert priced[CATALOG.default_model][1] == pytest.approx(3000 * (250 * 1.1 + 300 * 5.5) / 1e6)
