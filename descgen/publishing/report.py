"""What a publish run leaves in the Prefect UI: one markdown page a person reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from descgen.db.outbox import DeadRow
from descgen.publishing.relay import DeliveryReport

MOST_ROWS = 50  # per table; the rest is counted


def render(
    report: DeliveryReport, dead: Sequence[DeadRow], *, publisher: str, store: str | None, files: Iterable[Path] = ()
) -> str:
    lines = [
        f"## publish-descriptions: {publisher}, {f'store {store}' if store else 'every store'}",
        "",
        f"- delivered: **{report.delivered.total()}**",
        f"- superseded by a newer version (settled, not sent): {report.superseded.total()}",
        f"- failed attempts: **{report.failed.total()}** (out of attempts now: {report.died})",
        f"- dead rows waiting for a redrive: **{len(dead)}**",
    ]
    lines += [f"- written: `{path}`" for path in sorted(files)]
    pairs = sorted(set(report.delivered) | set(report.failed) | set(report.superseded))
    lines += _table(
        "What went out, per store and language",
        ("store", "language", "delivered", "failed", "superseded"),
        [(s, lang, report.delivered[s, lang], report.failed[s, lang], report.superseded[s, lang]) for s, lang in pairs],
    )
    lines += _table(
        "Failed deliveries (tried again later, with backoff)",
        ("store", "product", "language", "version", "last attempt", "reason"),
        [
            (f.store, f.product, f.language, f.version_id, "yes: dead" if f.dead else "no", f.error)
            for f in report.failures
        ],
    )
    lines += _table(
        "Dead rows (out of attempts; fix the cause, then redrive them)",
        ("outbox row", "store", "product", "language", "version", "attempts", "dead since", "last error"),
        [
            (
                d.outbox_id,
                d.store_id,
                d.product,
                d.language_id,
                d.version_id,
                d.attempts,
                f"{d.dead_at:%Y-%m-%d %H:%M}Z",
                d.last_error or "",
            )
            for d in dead
        ],
    )
    return "\n".join(lines) + "\n"


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    if not rows:
        return []
    lines = ["", f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows[:MOST_ROWS]]
    if len(rows) > MOST_ROWS:
        lines.append(f"\n… and {len(rows) - MOST_ROWS} more")
    return lines


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
