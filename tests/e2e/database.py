"""What the end-to-end tests read back from descgen's database (the one the flow runs wrote)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import func, select

from descgen.db.models import Description, GenerationTask
from descgen.db.session import make_engine, session_scope
from descgen.lifecycle import TaskState


def task_states_by_language(database_url: str, store: str) -> dict[str, Counter[str]]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            rows = session.execute(
                select(GenerationTask.language_id, GenerationTask.state, func.count())
                .where(GenerationTask.store_id == store)
                .group_by(GenerationTask.language_id, GenerationTask.state)
            )
            states: dict[str, Counter[str]] = {}
            for language, state, count in rows:
                states.setdefault(language, Counter())[state] = count
            return states
    finally:
        engine.dispose()


def requested_tasks_open(database_url: str, store: str, languages: Sequence[str]) -> int:
    """How many tasks of these languages are not done yet (0 once the cycle is complete)."""
    states = task_states_by_language(database_url, store)
    return sum(
        count
        for language in languages
        for state, count in states.get(language, Counter()).items()
        if state != TaskState.DONE
    ) + sum(1 for language in languages if language not in states)


def descriptions_by_language(database_url: str, store: str) -> Counter[str]:
    """Stored descriptions that are non-empty HTML, per language."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            rows = session.scalars(select(Description).where(Description.store_id == store))
            return Counter(row.language_id for row in rows if row.html.strip().startswith("<"))
    finally:
        engine.dispose()
