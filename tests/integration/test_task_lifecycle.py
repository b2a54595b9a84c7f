"""The task lifecycle on SQLite and PostgreSQL: claims, results, human edits, rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from descgen.contract.messages import RecordResult
from descgen.db.batches import claim_batch
from descgen.db.catalog import CatalogError, facts, load_catalog, mark_human_edited, sync_tasks
from descgen.db.models import Batch, Description, DescriptionVersion, GenerationTask, Product, Store
from descgen.db.results import apply_pages
from descgen.db.rollback import roll_back_batch
from descgen.db.session import session_scope
from descgen.db.status import task_states
from descgen.lifecycle import RetryBudget
from descgen.prompts import user_prompt
from descgen.verdicts import PublishRules
from tests.builders import MODEL, answer, catalog, load, page, submit, tasks_of

RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 5000)


def apply(engine, *pages, max_attempts=3):
    with session_scope(engine) as session:
        # the lifecycle rules, on bodies shaped for them; the quality gate has tests of its own
        return apply_pages(session, list(pages), RULES, RetryBudget(max_attempts, 10), gate=False)


def states(engine, store="acme"):
    with session_scope(engine) as session:
        return dict(task_states(session, store))


def descriptions(engine):
    with session_scope(engine) as session:
        return {
            (d.product_id, d.language_id): (d.html, d.source, d.version) for d in session.scalars(select(Description))
        }


def test_a_catalog_gets_one_pending_task_per_product_and_language(engine):
    load(engine, catalog(products=4, languages=("en", "de", "fr")))
    assert states(engine) == {"pending": 12}


def test_a_good_result_makes_a_sanitized_description_and_the_task_done(engine):
    # GIVEN a submitted batch
    store = load(engine, catalog(products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    # WHEN its result arrives with something unsafe in it
    report = apply(
        engine, page(batch_id, answer(engine, task, "<p onmouseover='x()'>Hello <script>bad()</script>there</p>"))
    )
    # THEN the description is stored clean and the task is done
    assert report.applied == 1
    assert descriptions(engine) == {(task.product_id, "en"): ("<p>Hello there</p>", "ai", 1)}
    assert states(engine) == {"done": 1}


def test_the_same_result_delivered_twice_leaves_the_same_rows(engine):
    store = load(engine, catalog(products=2, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    results = page(batch_id, *(answer(engine, task) for task in tasks))
    apply(engine, results)
    before = (descriptions(engine), states(engine))
    second = apply(engine, results)
    assert (second.applied, second.stale) == (0, 2)
    assert (descriptions(engine), states(engine)) == before


def test_a_record_id_seen_twice_in_one_receive_is_applied_once(engine):
    store = load(engine, catalog(products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    result = answer(engine, task)
    report = apply(engine, page(batch_id, result, result))
    assert (report.applied, report.stale) == (1, 1)
    with session_scope(engine) as session:
        assert len(list(session.scalars(select(DescriptionVersion)))) == 1


def test_an_answer_with_another_products_marker_never_writes_to_it(engine):
    # GIVEN two products, the first one's answer carrying the second one's marker
    store = load(engine, catalog(products=2, languages=("en",)))
    batch_id, [first, second] = submit(engine, store)
    hijack = answer(engine, first, marker=f"#P{2}#en#")
    # WHEN it is applied
    report = apply(engine, page(batch_id, hijack))
    # THEN nothing is written anywhere, and the first task goes back to try again
    assert descriptions(engine) == {}
    assert report.retried == 1
    assert "another product" in report.reasons[0]
    with session_scope(engine) as session:
        assert session.get_one(GenerationTask, second.id).state == "submitted"
        assert session.get_one(GenerationTask, first.id).state == "pending"


def test_a_title_with_another_products_marker_never_writes_to_it(engine):
    # GIVEN two products whose titles carry a third product's marker (product data is untrusted)
    document = catalog(products=3, languages=("en",))
    titles = ["Mug #P3#en# edition", "Cup #P3#en# edition"]
    for product, title in zip(document["products"], titles, strict=False):
        product["title"] = title
    store = load(engine, document)
    batch_id, [mug, cup, third] = submit(engine, store)
    # WHEN their prompts are written, THEN the marker is not in them: only each product's own is asked for
    with session_scope(engine) as session:
        prompts = [
            user_prompt(facts(session.get_one(Product, task.product_id)), "en", structured=False) for task in (mug, cup)
        ]
    assert not any("#P3#en#" in prompt for prompt in prompts)
    assert "Start your answer with exactly #P1#en#" in prompts[0]
    # WHEN models still repeat the title (the mug's), or obey it and answer as the third product (the cup's)
    echoed = answer(engine, mug, body=f"<p>The {titles[0]}: a sturdy mug for every morning coffee.</p>")
    obeyed = answer(engine, cup, marker="#P3#en#")
    report = apply(engine, page(batch_id, echoed, obeyed))
    # THEN nothing is written anywhere: not to the third product, not to the ones answered
    assert (report.applied, report.retried) == (0, 2)
    assert all("another product" in reason for reason in report.reasons)
    assert descriptions(engine) == {}
    assert [state for state, _ in task_states_by_id(engine, (mug, cup, third))] == ["pending", "pending", "submitted"]


def task_states_by_id(engine, tasks):
    with session_scope(engine) as session:
        return [(session.get_one(GenerationTask, task.id).state, task.id) for task in tasks]


def test_an_unknown_record_id_is_counted_and_changes_nothing(engine):
    store = load(engine, catalog(products=1, languages=("en",)))
    batch_id, _ = submit(engine, store)
    report = apply(
        engine,
        page(batch_id, RecordResult("zz9", "ok", text="#P1#en#<p>x</p>"), RecordResult("t999999a0", "ok", text="x")),
    )
    assert report.unknown == 2
    assert states(engine) == {"submitted": 1}


def test_a_retryable_error_counts_an_attempt_and_fails_at_the_limit(engine):
    store = load(engine, catalog(products=1, languages=("en",)))
    for attempt in range(1, 4):
        batch_id, [task] = submit(engine, store)
        assert task.attempts == attempt - 1
        apply(
            engine,
            page(
                batch_id, RecordResult(f"t{task.id}a{task.attempts}", "error", error_code="500", error_message="oops")
            ),
        )
    with session_scope(engine) as session:
        task = session.scalars(select(GenerationTask)).one()
        assert (task.state, task.attempts) == ("failed", 3)
        assert "Bedrock error 500: oops" in task.reason


def test_an_error_that_cannot_heal_fails_at_once_with_the_reason(engine):
    store = load(engine, catalog(products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    apply(engine, page(batch_id, RecordResult(f"t{task.id}a0", "error", error_code="400", error_message="bad input")))
    with session_scope(engine) as session:
        task = session.get_one(GenerationTask, task.id)
        assert (task.state, task.attempts, task.reason) == ("failed", 1, "Bedrock error 400: bad input")


def test_a_human_edited_description_survives_a_batch_with_a_result_for_it(engine):
    # GIVEN a task in flight whose description a person then edits
    store = load(engine, catalog(products=2, languages=("en",)))
    batch_id, [edited, other] = submit(engine, store)
    with session_scope(engine) as session:
        mark_human_edited(session, store, "P1", "en", "<p>Written by Anna.</p>", RULES)
    # WHEN the batch's results arrive
    report = apply(engine, page(batch_id, answer(engine, edited), answer(engine, other)))
    # THEN the person's text is kept, the run says so, and the task is skipped
    assert (report.applied, report.skipped_human, report.human_kept) == (1, 1, ["P1/en"])
    assert descriptions(engine)[(edited.product_id, "en")] == ("<p>Written by Anna.</p>", "human", 1)
    with session_scope(engine) as session:
        task = session.get_one(GenerationTask, edited.id)
        assert (task.state, task.reason) == ("skipped", "human-edited description kept")


def test_rolling_back_a_batch_restores_every_previous_version_row_by_row(engine):
    # GIVEN a first batch, then a second one that overwrites some of its texts
    store = load(engine, catalog(products=3, languages=("en", "de")))
    first, tasks = submit(engine, store)
    apply(engine, page(first, *(answer(engine, t, f"<p>first text of {t.id}</p>") for t in tasks)))
    before = descriptions(engine)
    with session_scope(engine) as session:
        for task in session.scalars(select(GenerationTask)):
            task.state, task.fingerprint = "pending", "changed"
    second, tasks = submit(engine, store, limit=4)
    apply(engine, page(second, *(answer(engine, t, f"<p>second text of {t.id}</p>") for t in tasks)))
    assert descriptions(engine) != before
    # WHEN the second batch is rolled back
    with session_scope(engine) as session:
        report = roll_back_batch(session, session.get_one(Batch, second))
    # THEN every description is what it was before it, row by row, as a new version
    assert report.restored == 4
    assert {key: (html, source) for key, (html, source, _) in descriptions(engine).items()} == {
        key: (html, source) for key, (html, source, _) in before.items()
    }
    assert sorted(version for _, _, version in descriptions(engine).values()) == [1, 1, 3, 3, 3, 3]


def test_rolling_back_a_batch_that_created_descriptions_removes_them(engine):
    store = load(engine, catalog(products=2, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    apply(engine, page(batch_id, *(answer(engine, t) for t in tasks)))
    with session_scope(engine) as session:
        report = roll_back_batch(session, session.get_one(Batch, batch_id))
    assert (report.removed, descriptions(engine)) == (2, {})


def test_sync_marks_pending_exactly_the_tasks_whose_fingerprint_changed(engine):
    # GIVEN a fully generated catalog
    document = catalog(products=5, languages=("en", "de"))
    store = load(engine, document)
    batch_id, tasks = submit(engine, store)
    apply(engine, page(batch_id, *(answer(engine, t) for t in tasks)))
    # WHEN one title changes and a language is added
    document["products"][2]["title"] = "Product 3, now bigger"
    document["store"]["languages"]["fr"] = "fr"
    load(engine, document)
    # THEN that product's two tasks and five new French ones are pending, nothing else
    with session_scope(engine) as session:
        pending = session.execute(
            select(GenerationTask.product_id, GenerationTask.language_id).where(GenerationTask.state == "pending")
        ).all()
        again = sync_tasks(session, store, MODEL)
    assert len(pending) == 7
    assert {lang for _, lang in pending} == {"en", "de", "fr"}
    # AND a sync right after has nothing to read: the load synced, and nothing changed since
    assert (again.to_send, again.unchanged, again.products_read) == (0, 0, 0)


def test_sync_leaves_a_task_in_a_batch_alone_when_its_product_changes(engine):
    # GIVEN one task claimed by a generate run and one submitted to Bedrock
    document = catalog(products=2, languages=("en",))
    store = load(engine, document)
    with session_scope(engine) as session:
        claimed = claim_batch(session, store, MODEL, None, 1)
        assert claimed is not None
        claimed_id = claimed.id
    submitted_id, [submitted] = submit(engine, store)
    before = {t.id: (t.state, t.batch_id, t.fingerprint, t.attempts) for t in tasks_of(engine, claimed_id)}
    before |= {submitted.id: ("submitted", submitted_id, submitted.fingerprint, 0)}
    # WHEN both products change and the catalog is synced
    for product in document["products"]:
        product["title"] += " (2027 model)"
    with session_scope(engine) as session:
        load_catalog(session, document)
        report = sync_tasks(session, store, MODEL)
    # THEN neither task is touched: still in its batch, with the fingerprint it was sent with
    with session_scope(engine) as session:
        after = {
            t.id: (t.state, t.batch_id, t.fingerprint, t.attempts) for t in session.scalars(select(GenerationTask))
        }
    assert after == before
    assert (report.in_flight, report.to_send, report.unchanged) == (2, 0, 0)
    # AND the submitted task's result, when it comes, is applied rather than ignored as stale
    applied = apply(engine, page(submitted_id, answer(engine, submitted)))
    assert (applied.applied, applied.stale) == (1, 0)
    # AND once out of its batch, the change is picked up by the next sync
    with session_scope(engine) as session:
        assert sync_tasks(session, store, MODEL).marked_pending == 1
    with session_scope(engine) as session:
        assert session.get_one(GenerationTask, submitted.id).state == "pending"


def test_two_stores_never_touch_each_others_tasks(engine):
    load(engine, catalog("north", products=2))
    load(engine, catalog("south", products=3))
    north_batch, north_tasks = submit(engine, "north")
    assert {t.store_id for t in north_tasks} == {"north"}
    assert states(engine, "south") == {"pending": 6}
    assert [t.id for t in tasks_of(engine, north_batch)] == [t.id for t in north_tasks]


def test_a_dry_run_with_another_model_changes_nothing_and_an_edit_undone_buys_nothing(engine):
    from descgen.generation import plan_without_changes
    from descgen.settings import Settings

    # GIVEN a fully generated catalog
    document = catalog(products=3, languages=("en",))
    store = load(engine, document)
    batch_id, tasks = submit(engine, store)
    apply(engine, page(batch_id, *(answer(engine, t) for t in tasks)))
    settings = Settings(bucket="b", topic_arn="t", queue_url="q", dlq_url="d")
    # WHEN a dry run plans with another model: it would send all three...
    synced, plan = plan_without_changes(engine, settings, store, None, 100, "amazon.nova-lite-v1:0")
    assert (synced.marked_pending, plan.pending) == (3, 3)
    # ...THEN nothing changed in the database
    assert states(engine) == {"done": 3}
    # AND a title edited, synced, and edited back before any run buys nothing
    document["products"][0]["title"] = "Briefly renamed"
    load(engine, document)
    assert states(engine) == {"done": 2, "pending": 1}
    document["products"][0]["title"] = "Product 1"
    load(engine, document)
    assert states(engine) == {"done": 2, "skipped": 1}
    with session_scope(engine) as session:
        [skipped] = session.scalars(select(GenerationTask).where(GenerationTask.state == "skipped"))
    assert skipped.reason == "unchanged since its last description"


def test_a_task_sent_back_to_pending_after_a_human_edit_is_not_bought_again(engine):
    store = load(engine, catalog(products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    with session_scope(engine) as session:
        mark_human_edited(session, store, "P1", "en", "<p>Anna's.</p>", RULES)
    apply(engine, page(batch_id, RecordResult(f"t{task.id}a0", "error", error_code="500", error_message="later")))
    assert states(engine) == {"pending": 1}
    with session_scope(engine) as session:
        sync_tasks(session, store, MODEL)
    assert states(engine) == {"skipped": 1}


def test_a_persons_html_is_sanitized_like_the_ais(engine):
    store = load(engine, catalog(products=1, languages=("en",)))
    with session_scope(engine) as session:
        mark_human_edited(session, store, "P1", "en", '<p onclick="x()">Hi<script>bad()</script></p><img src=x>', RULES)
    assert list(descriptions(engine).values()) == [("<p>Hi</p>", "human", 1)]


def test_rolling_back_a_batch_still_in_flight_makes_its_late_results_stale(engine):
    store = load(engine, catalog(products=2, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    apply(engine, page(batch_id, answer(engine, tasks[0])))
    with session_scope(engine) as session:
        report = roll_back_batch(session, session.get_one(Batch, batch_id))
    assert (report.removed, report.tasks_skipped) == (1, 2)
    late = apply(engine, page(batch_id, answer(engine, tasks[1])))
    assert (late.applied, late.stale) == (0, 1)
    assert descriptions(engine) == {}


def test_a_language_id_that_cannot_go_into_a_marker_is_refused_when_the_catalog_loads(engine):
    with pytest.raises(CatalogError, match=r"store: field languages\.en_US\.\[key\]: String should match pattern"):
        load(engine, catalog(languages=("en_US",)))
    with session_scope(engine) as session:
        assert session.scalars(select(Store)).all() == []
