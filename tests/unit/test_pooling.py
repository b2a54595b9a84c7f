"""Pooled batches across stores: which remainders share a job, and each store's share of the bill."""

from __future__ import annotations

import pytest

from descgen.budgets import cut_to_budget
from descgen.contract.messages import TokenUsage
from descgen.model_catalog import ModelPrice, ModelQuota
from descgen.pooling import StoreUsage, attribute, plan_pools, usage_by_store
from descgen.pricing import cost

QUOTA = ModelQuota(min_records=100, max_records=1_000)
PRICE = ModelPrice(batch_input=0.5, batch_output=2.5, on_demand_input=1.0, on_demand_output=5.0)


def test_fifty_small_stores_share_one_job_instead_of_fifty_waits():
    remainders = {f"s{n:02d}": 30 for n in range(50)}
    plan = plan_pools(remainders, ModelQuota(min_records=100, max_records=50_000))
    assert len(plan.pools) == 1
    assert plan.pools[0] == remainders
    assert plan.left == {}
    assert plan.pooled_records == 1_500


def test_a_pool_under_the_minimum_is_not_sent_and_each_store_keeps_its_own_policy():
    plan = plan_pools({"a": 40, "b": 59}, QUOTA)
    assert plan.pools == ()
    assert plan.left == {"a": 40, "b": 59}


def test_a_pool_that_reaches_the_minimum_exactly_is_sent():
    assert plan_pools({"a": 40, "b": 60}, QUOTA).pools == ({"a": 40, "b": 60},)


def test_pools_are_cut_at_the_maximum_and_the_last_one_under_the_minimum_is_left():
    plan = plan_pools({"a": 600, "b": 450, "c": 30}, QUOTA)
    assert plan.pools == ({"a": 600, "b": 400},)
    assert plan.left == {"b": 50, "c": 30}
    assert all(sum(pool.values()) <= QUOTA.max_records for pool in plan.pools)


def test_every_record_is_pooled_or_left_exactly_once():
    remainders = {f"s{n}": 17 * n + 3 for n in range(1, 40)}
    plan = plan_pools(remainders, QUOTA)
    for store, records in remainders.items():
        assert sum(pool.get(store, 0) for pool in plan.pools) + plan.left.get(store, 0) == records
    assert all(QUOTA.min_records <= sum(pool.values()) <= QUOTA.max_records for pool in plan.pools)


def test_shares_follow_each_stores_own_usage_and_add_up_to_the_manifest():
    usage = {"big": StoreUsage(10, 9_000, 30_000), "small": StoreUsage(2, 1_000, 10_000)}
    shares = {s.store_id: s for s in attribute(20_003, 80_001, usage, PRICE)}
    assert sum(s.input_tokens for s in shares.values()) == 20_003
    assert sum(s.output_tokens for s in shares.values()) == 80_001
    assert shares["big"].input_tokens in (18_002, 18_003)  # 90% of the manifest's input
    assert shares["small"].output_tokens in (20_000, 20_001)  # 25% of its output
    total = cost(PRICE, 20_003, 80_001)
    assert sum(s.cost_usd for s in shares.values()) == pytest.approx(total.batch_usd, rel=1e-12)
    assert sum(s.on_demand_cost_usd for s in shares.values()) == pytest.approx(total.on_demand_usd, rel=1e-12)
    assert shares["big"].records == 10


def test_without_reported_usage_records_are_the_weights():
    shares = {s.store_id: s for s in attribute(1_000, 3_000, {"a": StoreUsage(3), "b": StoreUsage(1)}, PRICE)}
    assert (shares["a"].input_tokens, shares["b"].input_tokens) == (750, 250)
    assert (shares["a"].output_tokens, shares["b"].output_tokens) == (2_250, 750)


def test_the_largest_remainder_decides_who_gets_the_odd_token():
    shares = {s.store_id: s for s in attribute(10, 0, {"a": StoreUsage(1, 1), "b": StoreUsage(1, 2)}, PRICE)}
    assert (shares["a"].input_tokens, shares["b"].input_tokens) == (3, 7)  # 3.33 and 6.67


def test_usage_is_counted_per_store_and_records_of_nobody_are_left_out():
    usages = [("t1a0", TokenUsage(10, 100)), ("t2a0", TokenUsage(5, 50)), ("t3a0", None), ("t9a0", TokenUsage(1, 1))]
    found = usage_by_store(usages, {"t1a0": "a", "t2a0": "b", "t3a0": "a"})
    assert found == {"a": StoreUsage(2, 10, 100), "b": StoreUsage(1, 5, 50)}


@pytest.mark.parametrize(
    ("budget", "spent", "wanted", "allowed"),
    [
        (None, 99.0, 500, 500),  # no budget
        (10.0, 0.0, 500, 500),  # 500 x 0.01 = 5.00 fits
        (10.0, 7.0, 500, 300),  # 3.00 left: 300 records
        (10.0, 10.0, 500, 0),  # spent
        (10.0, 12.0, 500, 0),  # overspent (a real bill above the estimate is impossible, but never negative)
        (3.0, 0.0, 300, 300),  # exactly: 3.00 / 0.01 must not lose a record to float error
    ],
)
def test_a_budget_allows_only_what_the_money_left_pays_for(budget, spent, wanted, allowed):
    cut = cut_to_budget("s", wanted, 0.01, budget, spent)
    assert cut.allowed == allowed
    assert cut.reached == (allowed < wanted)


@pytest.mark.parametrize("left", [0.0, 0.004, 0.01, 0.0299, 1.0, 7.77, 123.456])
def test_what_a_budget_allows_never_costs_more_than_is_left(left):
    per_record = 0.0037
    cut = cut_to_budget("s", 1_000_000, per_record, 500.0, 500.0 - left)
    assert cut.allowed * per_record <= left + 1e-9
    assert (cut.allowed + 1) * per_record > left  # and not a record less than it pays for


def test_a_store_with_a_single_record_is_pooled_too():
    assert plan_pools({"a": 99, "b": 1}, QUOTA).pools == ({"a": 99, "b": 1},)


def test_a_full_pool_starts_the_next_one_empty():
    plan = plan_pools({"a": 600, "b": 600, "c": 800}, QUOTA)
    assert plan.pools == ({"a": 600, "b": 400}, {"b": 200, "c": 800})
    assert plan.left == {}


def test_usage_of_several_records_adds_up_and_an_unknown_record_skips_only_itself():
    usages = [("zz", TokenUsage(1, 1)), ("t1a0", TokenUsage(10, 100)), ("t2a0", TokenUsage(5, 50))]
    assert usage_by_store(usages, {"t1a0": "a", "t2a0": "a"}) == {"a": StoreUsage(2, 15, 150)}


def test_without_any_weight_the_tokens_are_shared_equally_and_nobody_gets_nothing():
    shares = {s.store_id: s for s in attribute(11, 0, {"a": StoreUsage(0), "b": StoreUsage(0)}, PRICE)}
    assert sorted((shares["a"].input_tokens, shares["b"].input_tokens)) == [5, 6]
    assert attribute(0, 0, {"a": StoreUsage(0)}, PRICE)[0].input_tokens == 0
    assert attribute(5, 5, {}, PRICE) == []


def test_a_cut_carries_what_the_budget_alert_reports():
    cut = cut_to_budget("shop", 500, 0.01, 10.0, 7.0)
    assert (cut.store_id, cut.budget_usd, cut.spent_usd, cut.per_record_usd) == ("shop", 10.0, 7.0, 0.01)


def test_a_single_record_is_stopped_by_a_spent_budget_and_free_records_are_never_stopped():
    assert cut_to_budget("s", 1, 0.01, 10.0, 10.0).allowed == 0
    assert cut_to_budget("s", 0, 0.01, 10.0, 10.0).allowed == 0
    assert cut_to_budget("s", 40, 0.0, 10.0, 10.0).allowed == 40  # a price of 0 divides nothing
