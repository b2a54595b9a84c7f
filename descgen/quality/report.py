"""The quality report: pass rate per check and language, top reasons, the worst answers,
duplicates found, and what the gate's retries cost. One rendering (Markdown) for the
drain's Prefect artifact and ``descgen quality STORE``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from descgen import formats
from descgen.markdown import escaped
from descgen.quality.voice import Check

TOP_REASONS = 8


@dataclass
class QualityReport:
    title: str
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (language, "check:passed|failed" / "outcome:x")
    reasons: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    worst: list[tuple[float, str, str]] = field(default_factory=list)  # (mean score, "P1/de", reasons)
    duplicates: list[str] = field(default_factory=list)
    retry_cost_usd: float = 0.0

    @property
    def gated(self) -> int:
        return sum(count for (_, name), count in self.counts.items() if name.startswith("outcome:"))

    def pass_rate(self, check: Check, language: str | None = None) -> float | None:
        passed = failed = 0
        for (lang, name), count in self.counts.items():
            if language not in (None, lang):
                continue
            passed += count if name == f"{check.value}:passed" else 0
            failed += count if name == f"{check.value}:failed" else 0
        return passed / (passed + failed) if passed + failed else None


def from_tallies(title: str, rows: Iterable[tuple[str, str, str, int]]) -> tuple[QualityReport, Counter[str]]:
    """A report from (batch, language, name, count) tallies, and the records each batch sent back."""
    report = QualityReport(title)
    reasons: Counter[str] = Counter()
    retries: Counter[str] = Counter()
    for batch_id, language_id, name, count in rows:
        if name.startswith("reason:"):
            reasons[name.removeprefix("reason:")] += count
            continue
        report.counts[(language_id, name)] += count
        if name == "outcome:retry":
            retries[batch_id] += count
    report.reasons = top(reasons)
    return report, retries


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def render(report: QualityReport) -> str:
    """Markdown a person reads in the Prefect UI or a terminal."""
    languages = sorted({language for language, _ in report.counts})
    outcomes = Counter[str]()
    for (_, name), count in report.counts.items():
        if name.startswith("outcome:"):
            outcomes[name.removeprefix("outcome:")] += count
    lines = [f"## {report.title}", ""]
    if not report.gated:
        return "\n".join([*lines, "No answers met the quality gate yet."])
    lines.append(
        f"{formats.count(report.gated)} answers gated: {formats.count(outcomes['publish'])} published, "
        f"{formats.count(outcomes['hold'])} held for review, {formats.count(outcomes['retry'])} sent back "
        f"(retries cost about {formats.money(report.retry_cost_usd)})."
    )
    lines += ["", "| check | all | " + " | ".join(languages) + " |", "|---|---:|" + "---:|" * len(languages)]
    for check in Check:
        rates = [_percent(report.pass_rate(check, language)) for language in languages]
        lines.append(f"| {check.value} | {_percent(report.pass_rate(check))} | " + " | ".join(rates) + " |")
    if report.reasons:
        lines += ["", "Top reasons:"]
        lines += [f"- {formats.count(n)} × {escaped(reason)}" for reason, n in report.reasons[:TOP_REASONS]]
    if report.worst:
        lines += ["", "Worst answers (mean score):"]
        lines += [f"- {score:.2f} {escaped(where)}: {escaped(reasons)}" for score, where, reasons in report.worst]
    if report.duplicates:
        lines += ["", "Near-duplicates found:"]
        lines += [f"- {escaped(line)}" for line in report.duplicates]
    return "\n".join(lines)


def top(reasons: Counter[str], limit: int = TOP_REASONS) -> list[tuple[str, int]]:
    return reasons.most_common(limit)
