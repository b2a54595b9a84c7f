"""Brand voice versions: every change is a new version; the highest one is the store's voice."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from descgen.db.models import Store, StoreVoice
from descgen.quality.voice import BrandVoice


class VoiceError(ValueError):
    """A voice descgen refuses to store (the message names the field)."""


def parse_voice(data: object, where: str) -> BrandVoice:
    """A voice document -> BrandVoice, or VoiceError with the first problem on one line."""
    try:
        return BrandVoice.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "voice"
        raise VoiceError(f"{where}: voice field {field}: {first['msg']} ({error.error_count()} problem(s))") from None


def current_voice(session: Session, store_id: str) -> tuple[int, BrandVoice]:
    """(version, voice); version 0 and the default voice for a store that never set one."""
    row = session.scalars(
        select(StoreVoice).where(StoreVoice.store_id == store_id).order_by(StoreVoice.version.desc()).limit(1)
    ).one_or_none()
    if row is None:
        return 0, BrandVoice()
    return row.version, BrandVoice.model_validate(row.voice)


def voices(session: Session, store_ids: Iterable[str]) -> dict[str, BrandVoice]:
    """The current voice of each store (the default for one without)."""
    wanted = set(store_ids)
    latest = (
        select(StoreVoice.store_id, func.max(StoreVoice.version).label("version"))
        .where(StoreVoice.store_id.in_(wanted))
        .group_by(StoreVoice.store_id)
        .subquery()
    )
    rows = session.scalars(
        select(StoreVoice).join(
            latest, (StoreVoice.store_id == latest.c.store_id) & (StoreVoice.version == latest.c.version)
        )
    )
    found = {row.store_id: BrandVoice.model_validate(row.voice) for row in rows}
    return {store_id: found.get(store_id, BrandVoice()) for store_id in wanted}


def set_voice(session: Session, store_id: str, voice: BrandVoice) -> tuple[int, bool]:
    """Store the voice as a new version unless it is the current one: (version, changed)."""
    if session.get(Store, store_id) is None:
        raise VoiceError(f"no store {store_id!r}: load its catalog first")
    version, current = current_voice(session, store_id)
    if current == voice and version > 0:
        return version, False
    session.add(
        StoreVoice(
            store_id=store_id,
            version=version + 1,
            voice=voice.model_dump(mode="json"),
            prompt_digest=voice.prompt_digest(),
        )
    )
    session.flush()
    return version + 1, True
