"""Tasks of rollback-batch."""

from __future__ import annotations

from prefect import task

from descgen.db.models import Batch
from descgen.db.rollback import RollbackReport, roll_back_batch
from descgen.db.session import session_scope
from tasks.connections import engine


@task
def roll_back(batch_id: str) -> RollbackReport:
    with session_scope(engine()) as session:
        batch = session.get(Batch, batch_id)
        if batch is None:
            raise LookupError(f"no batch {batch_id}")
        return roll_back_batch(session, batch)
