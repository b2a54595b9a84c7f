"""What must hold after the chaos, decided on plain values (``check``), and loaded from the run (``load``).

1. tasks settled: every task is ``done`` (published, or held for review as a draft),
   ``failed`` with a reason, or ``skipped``; none pending, claimed or submitted.
2. texts in their product: no description, current or in the version history, names
   another product: neither its marker nor its title's token (every catalog title of the
   run carries ``tok-<store>-<product>``, which the offline writer quotes in its text).
3. bought once per attempt: Bedrock billed each record (its id: one task, one send; and
   its input: the prompt) at most once, only for record ids of existing tasks, and never
   for a send the task has not made (send number <= the task's ``sends``). The input is
   part of the key because a task whose product changed after it was done is sent again
   under the same send number (``sends`` counts failed sends only): a new prompt, a new
   purchase, not the same one twice.
4. no message lost: every message SQS accepted on the results queue was deleted by a
   drain (applied) or sits in the dead-letter queue, and none is left in the queue; and
   a deletion was an application: when a drain deleted a message, no task it has a
   result for was still ``submitted`` in that batch for that send (``results_left_open``,
   run by the SQS proxy at each delete).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from descgen.contract.messages import ContractError, ResultPage
from descgen.contract.records import find_markers, parse_record_id
from descgen.db.models import Description, DescriptionVersion, GenerationTask, Product
from descgen.db.session import session_scope
from descgen.lifecycle import TaskState, VersionStatus

TOKEN_PATTERN = re.compile(r"tok-(?P<store>[a-z0-9]+)-(?P<product>[A-Za-z0-9]+)")
HELD_PREFIX = "held for review"
SHOWN = 5  # violations printed per invariant; the count says how many there are


def product_token(store: str, product: str) -> str:
    return f"tok-{store}-{product}"


@dataclass(frozen=True)
class TaskRow:
    task_id: int
    store: str
    product: str
    language: str
    state: str
    reason: str | None
    sends: int


@dataclass(frozen=True)
class TextRow:
    """A description's text: the current one, or one of its versions."""

    where: str  # "description 12" / "version 40"
    store: str
    product: str
    language: str
    html: str  # with the meta title and meta description
    status: str  # "current", or the version's status


@dataclass
class RunState:
    tasks: list[TaskRow] = field(default_factory=list)
    texts: list[TextRow] = field(default_factory=list)
    bought: dict[tuple[str, str], int] = field(default_factory=dict)  # (record id, input digest) -> answers billed
    sent: set[str] = field(default_factory=set)  # results-queue message ids SQS accepted
    applied: set[str] = field(default_factory=set)  # ... deleted by a drain after its commit
    dead_letters: set[str] = field(default_factory=set)  # ... in the dead-letter queue
    left_in_queue: int = 0
    deleted_unapplied: list[str] = field(default_factory=list)  # results still open when their message was deleted
    deletes_unchecked: int = 0


@dataclass(frozen=True)
class Verdict:
    name: str
    figures: str
    violations: list[str]

    @property
    def ok(self) -> bool:
        return not self.violations

    def lines(self) -> list[str]:
        head = f"{'PASS' if self.ok else 'FAIL'} {self.name}: {self.figures}"
        shown = [f"  - {violation}" for violation in self.violations[:SHOWN]]
        more = [f"  ... and {len(self.violations) - SHOWN} more"] if len(self.violations) > SHOWN else []
        return [head, *shown, *more]


def check(state: RunState) -> list[Verdict]:
    return [tasks_settled(state), texts_in_their_product(state), bought_once_per_attempt(state), no_message_lost(state)]


def tasks_settled(state: RunState) -> Verdict:
    by_state = Counter(task.state for task in state.tasks)
    held = sum(
        1 for task in state.tasks if task.state == TaskState.DONE and (task.reason or "").startswith(HELD_PREFIX)
    )
    drafts = sum(1 for text in state.texts if text.status == VersionStatus.DRAFT)
    violations = []
    for task in state.tasks:
        if task.state in (TaskState.DONE, TaskState.SKIPPED):
            continue
        if task.state == TaskState.FAILED and (task.reason or "").strip():
            continue
        why = "failed without a reason" if task.state == TaskState.FAILED else f"still {task.state}"
        violations.append(f"task {task.task_id} ({task.store}/{task.product}/{task.language}) is {why}")
    states = ", ".join(f"{name} {count:,}" for name, count in sorted(by_state.items())) or "no tasks"
    if not state.tasks:
        violations.append("no task at all: the run generated nothing to check")
    return Verdict(
        "every task done, failed with a reason, skipped or held",
        f"{states}; held for review {held:,} ({drafts:,} draft versions)",
        violations,
    )


def texts_in_their_product(state: RunState) -> Verdict:
    violations = []
    named_own = 0
    for text in state.texts:
        own = (text.store, text.product)
        tokens = {(m["store"], m["product"]) for m in TOKEN_PATTERN.finditer(text.html)}
        foreign = sorted(tokens - {own})
        markers = [marker for marker in find_markers(text.html) if marker != (text.product, text.language)]
        named_own += own in tokens
        if foreign or markers:
            named = [product_token(*token) for token in foreign] + ["#{}#{}#".format(*marker) for marker in markers]
            violations.append(f"{text.where} of {text.store}/{text.product}/{text.language} names {', '.join(named)}")
    figures = f"{len(state.texts):,} texts (current and versions), {named_own:,} name their own product"
    if not state.texts:
        violations.append("no text at all: nothing was written, so nothing was checked")
    return Verdict("no description in a product it was not generated for", figures, violations)


def bought_once_per_attempt(state: RunState) -> Verdict:
    sends = {task.task_id: task.sends for task in state.tasks}
    violations = []
    for (record_id, _), times in sorted(state.bought.items()):
        parsed = parse_record_id(record_id)
        if parsed is None or parsed[0] not in sends:
            violations.append(f"record {record_id} was bought but names no task")
            continue
        task_id, attempt = parsed
        if times > 1:
            violations.append(
                f"record {record_id} (task {task_id}, send {attempt}) was bought {times} times for the same prompt"
            )
        if attempt > sends[task_id]:
            violations.append(f"record {record_id} was bought for send {attempt}; task {task_id} made {sends[task_id]}")
    if not state.bought and any(task.state == TaskState.DONE for task in state.tasks):
        violations.append("tasks are done but Bedrock billed no record: the count of purchases saw nothing")
    bought = sum(state.bought.values())
    record_ids = len({record_id for record_id, _ in state.bought})
    retried = sum(sends.values())
    figures = (
        f"{bought:,} records bought ({len(state.bought):,} distinct prompts, {record_ids:,} record ids) for "
        f"{len(sends):,} tasks that were sent again {retried:,} times after a failed send"
    )
    return Verdict("no record bought more than once per attempt", figures, violations)


def no_message_lost(state: RunState) -> Verdict:
    lost = sorted(state.sent - state.applied - state.dead_letters)
    both = state.applied & state.dead_letters & state.sent
    violations = [f"message {message_id} was sent, never applied, and is not in the DLQ" for message_id in lost]
    if state.left_in_queue:
        violations.append(f"{state.left_in_queue:,} messages still in the results queue after the run went quiet")
    unknown = sorted((state.applied | state.dead_letters) - state.sent)
    violations += [f"message {message_id} was applied or dead-lettered but never seen sent" for message_id in unknown]
    violations += [f"deleted before it was applied: {problem}" for problem in state.deleted_unapplied]
    if not state.sent and any(task.state == TaskState.DONE for task in state.tasks):
        violations.append("tasks are done but no result message was seen sent: the SQS ledger saw nothing")
    figures = (
        f"sent {len(state.sent):,} = applied {len(state.sent & state.applied):,} + in DLQ "
        f"{len(state.sent & state.dead_letters - state.applied):,} (+ {len(both):,} both applied and dead-lettered); "
        f"lost {len(lost):,}; left in queue {state.left_in_queue:,}; deleted before applied "
        f"{len(state.deleted_unapplied):,} ({state.deletes_unchecked:,} deletes unchecked while the database restarted)"
    )
    return Verdict("no message lost from SQS (sent = applied + in DLQ)", figures, violations)


def results_left_open(engine: Engine, bodies: list[str]) -> list[str]:
    """Of the results in these message bodies, those whose task is still submitted in that batch for
    that send: a drain that deletes such a message has not applied it."""
    wanted: list[tuple[int, str, int, str]] = []  # task id, batch id, send, record id
    for body in bodies:
        try:
            page = ResultPage.from_json(body)
        except ContractError:
            continue  # undecodable: the drain never deletes it (the redrive policy moves it)
        for result in page.results:
            parsed = parse_record_id(result.record_id)
            if parsed is not None:
                wanted.append((parsed[0], page.batch_id, parsed[1], result.record_id))
    if not wanted:
        return []
    with session_scope(engine) as session:
        rows = session.execute(
            select(GenerationTask.id, GenerationTask.state, GenerationTask.batch_id, GenerationTask.sends).where(
                GenerationTask.id.in_({task_id for task_id, *_ in wanted})
            )
        ).all()
    now = {row.id: (row.state, row.batch_id, row.sends) for row in rows}
    return [
        f"record {record_id} of batch {batch_id}: task {task_id} still submitted for it"
        for task_id, batch_id, send, record_id in wanted
        if now.get(task_id) == (TaskState.SUBMITTED, batch_id, send)
    ]


def load_database(engine: Engine, state: RunState) -> None:
    """The tasks and every text of the run's database into ``state``."""
    with session_scope(engine) as session:
        products = dict(session.execute(select(Product.id, Product.external_id)).all())
        for task in session.scalars(select(GenerationTask)):
            state.tasks.append(
                TaskRow(
                    task.id,
                    task.store_id,
                    products[task.product_id],
                    task.language_id,
                    task.state,
                    task.reason,
                    task.sends,
                )
            )
        for text in session.scalars(select(Description)):
            state.texts.append(
                TextRow(
                    f"description {text.id}",
                    text.store_id,
                    products[text.product_id],
                    text.language_id,
                    _whole_text(text.html, text.meta_title, text.meta_description),
                    "current",
                )
            )
        for version in session.scalars(select(DescriptionVersion)):
            state.texts.append(
                TextRow(
                    f"version {version.id}",
                    version.store_id,
                    products[version.product_id],
                    version.language_id,
                    _whole_text(version.html, version.meta_title, version.meta_description),
                    version.status,
                )
            )


def _whole_text(html: str, meta_title: str | None, meta_description: str | None) -> str:
    """The body and the meta fields: a foreign product in either reaches the shop."""
    return "\n".join(part for part in (html, meta_title, meta_description) if part)
