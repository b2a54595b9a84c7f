"""Strings from a model, a store or AWS shown in Markdown artifacts: literal, on one line."""

from __future__ import annotations

from descgen.contract.messages import RecordResult
from descgen.deliveries import ApplyReport
from descgen.draining import DrainReport
from descgen.markdown import escaped
from descgen.verdicts import PublishRules, judge
from flows.artifacts import drain_notes

HOSTILE = "see [here](http://evil.example) <img src=x onerror=alert(1)> **now** | `rm -rf` ~~x~~\nsecond line"


def test_markup_links_and_line_breaks_become_literal_text():
    assert escaped(HOSTILE) == (
        r"see \[here\](http://evil.example) &lt;img src=x onerror=alert(1)&gt; \*\*now\*\* \| \`rm -rf\` \~\~x\~\~"
        " second line"
    )
    assert escaped("P3/de: duplicate: 1.00 similar to product P1's text # 2") == (
        "P3/de: duplicate: 1.00 similar to product P1's text # 2"  # plain prose is left as it is
    )


def test_a_hostile_bedrock_error_appears_escaped_in_the_drain_artifact():
    # GIVEN a record whose Bedrock error message is markup (the service's or a model's words)
    verdict = judge(
        RecordResult("r1", "error", error_code="ValidationException", error_message=HOSTILE),
        "P1",
        "en",
        PublishRules(frozenset({"p"}), {}, 100),
    )
    report = DrainReport(results=ApplyReport(reasons=[f"P1/en: {verdict.reason}"]))
    report.problems.append(f"message m-1 could not be applied: {HOSTILE}")
    # WHEN the drain's table description is written
    notes = drain_notes(report)
    # THEN no link, image, tag or emphasis survives, and each note stays on its line
    assert "[here](" not in notes
    assert "<img" not in notes
    assert "**now**" not in notes
    assert r"\[here\](http://evil.example) &lt;img" in notes
    assert len(notes.split("\n\n")) == 3
