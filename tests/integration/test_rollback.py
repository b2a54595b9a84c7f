"""Rollback recorded as versions: a dry run first, newer work kept, and every rollback undone byte for byte."""

from __future__ import annotations

from sqlalchemy import select

from descgen.db.catalog import mark_human_edited
from descgen.db.models import Batch, Description, DescriptionVersion, GenerationTask, OutboxEntry
from descgen.db.results import apply_pages
from descgen.db.rollback import regenerate_removed, roll_back_batch, undo_rollback
from descgen.db.session import session_scope
from descgen.lifecycle import RetryBudget
from descgen.verdicts import PublishRules
from tests.builders import answer, catalog, load, page, submit

RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 6000)
PERSON = "<p>" + "A person wrote this text about the product. " * 10 + "</p>"


def texts(engine) -> dict[tuple[int, str], tuple[str, str | None, str | None, str]]:
    """Every current description, byte for byte."""
    with session_scope(engine) as session:
        return {
            (d.product_id, d.language_id): (d.html, d.meta_title, d.meta_description, d.source)
            for d in session.scalars(select(Description))
        }


def run_batch(engine, store: str, limit: int, prefix: str) -> str:
    batch_id, tasks = submit(engine, store, limit=limit)
    results = [answer(engine, t, f"<p>{prefix} text of {t.id}: " + "good words " * 30 + "</p>") for t in tasks]
    with session_scope(engine) as session:
        apply_pages(session, [page(batch_id, *results)], RULES, RetryBudget(3, 10), gate=False)
    return batch_id


def two_batches(engine) -> tuple[str, str, dict]:
    """A first batch for 3 of 4 products; a second rewrites 2 of them and creates the 4th."""
    store = load(engine, catalog(products=4, languages=("en",)))
    first = run_batch(engine, store, 3, "first")
    before = texts(engine)
    with session_scope(engine) as session:
        for task in session.scalars(select(GenerationTask).order_by(GenerationTask.id)):
            task.state, task.fingerprint = ("pending", "changed") if task.id != 1 else (task.state, task.fingerprint)
    second = run_batch(engine, store, 3, "second")
    return first, second, before


def roll(engine, batch_id: str, *, undo: bool = False, dry_run: bool = False):
    with session_scope(engine) as session:
        batch = session.get_one(Batch, batch_id)
        return (undo_rollback if undo else roll_back_batch)(session, batch, dry_run=dry_run)


def test_a_dry_run_says_what_a_rollback_would_do_and_changes_nothing(engine):
    _, second, _ = two_batches(engine)
    after_second = texts(engine)
    dry = roll(engine, second, dry_run=True)
    assert texts(engine) == after_second
    with session_scope(engine) as session:
        assert session.get_one(Batch, second).rolled_back_at is None
    real = roll(engine, second)
    assert (dry.restored, dry.removed, dry.kept_newer, dry.left_without) == (
        real.restored,
        real.removed,
        real.kept_newer,
        real.left_without,
    )
    assert (real.restored, real.removed, real.left_without) == (2, 1, [("P4", "en")])


def test_a_rollback_of_a_rollback_restores_byte_for_byte_and_can_be_rolled_back_again(engine):
    _, second, before = two_batches(engine)
    after_second = texts(engine)
    roll(engine, second)
    assert texts(engine) == before  # the first batch's texts; the one the second created is gone
    undone = roll(engine, second, undo=True)
    assert (undone.restored, undone.removed) == (3, 0)
    assert texts(engine) == after_second  # byte for byte, the one created by the batch too
    roll(engine, second)
    assert texts(engine) == before


def test_a_rollback_keeps_newer_work_and_its_undo_keeps_work_done_after_it(engine):
    _first, second, _ = two_batches(engine)
    with session_scope(engine) as session:
        mark_human_edited(session, "acme", "P2", "en", PERSON, RULES)  # after the second batch wrote P2
    report = roll(engine, second)
    assert report.kept_newer == [("P2", "en")]
    with session_scope(engine) as session:
        mark_human_edited(session, "acme", "P3", "en", PERSON, RULES)  # after the rollback restored P3
    undone = roll(engine, second, undo=True)
    assert undone.kept_newer == [("P3", "en")]  # P2 the rollback never touched
    assert [source for *_, source in texts(engine).values()].count("human") == 2


def test_every_text_a_rollback_makes_current_goes_to_the_shop(engine):
    _, second, _ = two_batches(engine)
    with session_scope(engine) as session:
        queued = set(session.scalars(select(OutboxEntry.version_id)))
    roll(engine, second)
    with session_scope(engine) as session:
        rows = session.execute(
            select(DescriptionVersion.html, DescriptionVersion.rollback_of)
            .join(OutboxEntry, OutboxEntry.version_id == DescriptionVersion.id)
            .where(OutboxEntry.version_id.notin_(queued))
        ).all()
    assert sorted(html[:11] for html, _ in rows) == ["", "<p>first te", "<p>first te"]  # "": the removal
    assert {batch for _, batch in rows} == {second}


def test_rolling_back_a_batch_twice_says_it_is_already_rolled_back_and_changes_nothing(engine):
    # GIVEN a batch rolled back once
    _, second, _ = two_batches(engine)
    first_time = roll(engine, second)
    assert (first_time.restored, first_time.removed, first_time.already_rolled_back) == (2, 1, False)

    def everything() -> tuple:
        with session_scope(engine) as session:
            return (
                texts(engine),
                session.get_one(Batch, second).rolled_back_at,
                sorted((v.id, v.html, v.status, v.rollback_of) for v in session.scalars(select(DescriptionVersion))),
                sorted(session.scalars(select(OutboxEntry.version_id))),
                sorted((t.id, t.state, t.reason) for t in session.scalars(select(GenerationTask))),
            )

    before = everything()
    # WHEN it is rolled back again (a second click, a retried flow run)
    again = roll(engine, second)
    # THEN the report says so, and no text, version, outbox row, task or date changed
    assert again.already_rolled_back
    assert (again.restored, again.removed, again.kept_newer, again.left_without, again.tasks_skipped) == (
        0,
        0,
        [],
        [],
        0,
    )
    assert everything() == before


def test_undoing_a_batch_that_was_never_rolled_back_changes_nothing(engine):
    first, _, _ = two_batches(engine)
    kept = texts(engine)
    report = roll(engine, first, undo=True)
    assert report.not_rolled_back
    assert texts(engine) == kept


def test_the_products_a_rollback_leaves_without_a_description_can_be_generated_again(engine):
    _, second, _ = two_batches(engine)
    report = roll(engine, second)
    with session_scope(engine) as session:
        again = regenerate_removed(session, session.get_one(Batch, second))
        states = {t.product_id: (t.state, t.reason, t.batch_id) for t in session.scalars(select(GenerationTask))}
    assert again == report.left_without == [("P4", "en")]
    assert states[4] == ("pending", "regeneration asked", None)
    assert [state for state, *_ in states.values()].count("pending") == 1  # the restored ones are left alone
