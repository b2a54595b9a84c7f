"""Review and approval: held drafts approved (current text, queued for the shop) or rejected
(the task generated again with the note in its prompt, or left to a person)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from descgen.db.catalog import facts, mark_human_edited
from descgen.db.descriptions import NewText, publish_ai_texts
from descgen.db.models import Description, DescriptionVersion, GenerationTask, OutboxEntry, Product
from descgen.db.results import apply_pages
from descgen.db.review import approve, drafts, history, reject
from descgen.db.session import session_scope
from descgen.db.voices import set_voice
from descgen.lifecycle import RetryBudget
from descgen.prompts import model_input
from descgen.quality.voice import BrandVoice, ReviewPolicy
from descgen.verdicts import PublishRules
from tests.builders import answer, catalog, load, page, submit

RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 6000)


def held_batch(engine, *, products: int = 3, policy: ReviewPolicy | None = None):
    """A store whose voice holds every answer for review, one batch drained: the drafts."""
    store = load(engine, catalog(products=products, languages=("en",)))
    with session_scope(engine) as session:
        set_voice(session, store, BrandVoice(review=policy or ReviewPolicy(hold_all=True)))
    batch_id, tasks = submit(engine, store)
    with session_scope(engine) as session:
        report = apply_pages(session, [page(batch_id, *(answer(engine, t) for t in tasks))], RULES, RetryBudget(3, 10))
    return store, batch_id, tasks, report


def outbox_versions(engine) -> list[int]:
    with session_scope(engine) as session:
        return list(session.scalars(select(OutboxEntry.version_id).order_by(OutboxEntry.id)))


def test_the_review_policy_holds_answers_that_passed_every_check(engine):
    store, batch_id, tasks, report = held_batch(engine)
    assert report.quality.outcomes() == {"hold": 3}  # each answer counted once, as held
    assert report.held == len(tasks)
    assert report.applied == 0
    with session_scope(engine) as session:
        held = drafts(session, store, batch_id=batch_id)
        assert session.scalar(select(func.count()).select_from(Description)) == 0
    assert len(held) == 3
    assert all("review: held by the store's review policy" in d.reasons for d in held)
    assert outbox_versions(engine) == []  # nothing goes to the shop before a person says so


def test_a_review_sample_holds_about_its_share_and_the_same_answers_every_time():
    policy = ReviewPolicy(sample_percent=20)
    keys = [f"b1/{task}" for task in range(5000)]
    held = [key for key in keys if policy.holds(key)]
    assert 850 < len(held) < 1150
    assert held == [key for key in keys if policy.holds(key)]
    assert not any(ReviewPolicy().holds(key) for key in keys)


def test_an_approved_draft_becomes_the_current_text_and_is_queued_for_the_shop(engine):
    store, _batch_id, _tasks, _ = held_batch(engine)
    with session_scope(engine) as session:
        first, *_rest = drafts(session, store)
        report = approve(session, store, [first.id], reviewer="ana", note="fine")
    assert report.approved == [first.id]
    assert report.problems == []
    with session_scope(engine) as session:
        current = session.scalars(select(Description)).one()
        version = session.get_one(DescriptionVersion, first.id)
        assert (current.html, current.version, current.source) == (first.html, 1, "ai")
        assert (version.status, version.version, version.description_id) == ("approved", 1, current.id)
        assert (version.reviewed_by, version.review_note) == ("ana", "fine")
        assert current.text_signature  # in the near-duplicate index like any current text
        assert len(drafts(session, store)) == 2
    assert outbox_versions(engine) == [first.id]


def test_approving_twice_or_approving_another_stores_version_changes_nothing(engine):
    store, _, _, _ = held_batch(engine)
    with session_scope(engine) as session:
        first = drafts(session, store)[0]
        approve(session, store, [first.id], reviewer="ana")
    with session_scope(engine) as session:
        again = approve(session, store, [first.id], reviewer="ana")
        elsewhere = approve(session, "other", [first.id], reviewer="ana")
    assert again.approved == []
    assert "it is approved, not a draft" in again.problems[0]
    assert elsewhere.approved == []
    assert "no such version in store other" in elsewhere.problems[0]
    assert outbox_versions(engine) == [first.id]


def test_a_person_text_is_not_replaced_by_approving_a_draft(engine):
    store, _, _, _ = held_batch(engine, products=1)
    with session_scope(engine) as session:
        draft = drafts(session, store)[0]
        mark_human_edited(session, store, draft.product, "en", "<p>" + "Written by a person. " * 20 + "</p>", RULES)
    with session_scope(engine) as session:
        report = approve(session, store, [draft.id], reviewer="ana")
        current = session.scalars(select(Description)).one()
    assert report.approved == []
    assert "a person's text is current" in report.problems[0]
    assert current.source == "human"


def test_a_rejected_draft_is_generated_again_with_the_reviewers_note_in_the_prompt(engine):
    store, _, tasks, _ = held_batch(engine, products=1)
    with session_scope(engine) as session:
        draft = drafts(session, store)[0]
        report = reject(session, store, [draft.id], reviewer="ana", note="Mention the  warranty.\nNo emojis.")
    assert report.rejected == [draft.id]
    assert report.retried == 1
    with session_scope(engine) as session:
        task = session.get_one(GenerationTask, tasks[0].id)
        version = session.get_one(DescriptionVersion, draft.id)
        assert (task.state, task.reason) == ("pending", "review: Mention the warranty. No emojis.")
        assert (version.status, version.review_note) == ("rejected", "Mention the warranty. No emojis.")
        product = facts(session.get_one(Product, task.product_id))
    prompt = json.dumps(
        model_input(product, "en", max_tokens=900, temperature=0.5, structured=True, retry_reason=task.reason)
    )
    assert "A reviewer rejected an earlier answer and wrote: Mention the warranty. No emojis." in prompt


def test_a_rejected_draft_left_to_a_person_is_not_generated_again(engine):
    store, _, tasks, _ = held_batch(engine, products=1)
    with session_scope(engine) as session:
        draft = drafts(session, store)[0]
        report = reject(session, store, [draft.id], reviewer="ana", retry=False)
    assert report.left_to_a_person == 1
    assert report.retried == 0
    with session_scope(engine) as session:
        task = session.get_one(GenerationTask, tasks[0].id)
    assert task.state == "skipped"
    assert task.reason.startswith("rejected in review, left to a person")


def test_history_shows_every_version_of_a_text(engine):
    store, _, _, _ = held_batch(engine, products=1)
    with session_scope(engine) as session:
        draft = drafts(session, store)[0]
        approve(session, store, [draft.id], reviewer="ana")
        mark_human_edited(session, store, draft.product, "en", "<p>" + "Written by a person. " * 20 + "</p>", RULES)
    with session_scope(engine) as session:
        versions = history(session, store, draft.product, "en")
    assert [(v.status, v.source, v.version) for v in versions] == [("approved", "ai", 1), ("approved", "human", 2)]


def test_a_draft_older_than_the_text_that_went_live_since_is_not_approved(engine):
    store, _, tasks, _ = held_batch(engine, products=1)
    with session_scope(engine) as session:
        draft = drafts(session, store)[0]
        # a later batch's answer for the same product went live (the store's policy changed meanwhile)
        publish_ai_texts(
            session, store, None, [NewText(tasks[0].product_id, "en", "<p>" + "Newer text. " * 30 + "</p>")]
        )
    with session_scope(engine) as session:
        report = approve(session, store, [draft.id], reviewer="ana")
        current = session.scalars(select(Description)).one()
    assert report.approved == []
    assert "a newer text went live since" in report.problems[0]
    assert current.html.startswith("<p>Newer text.")
