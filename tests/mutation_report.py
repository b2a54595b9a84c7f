"""The score of a ``mutmut run`` over the pure core, and its survivors (``make mutation``).

    python -m tests.mutation_report build/mutation [--minimum 90] [--diffs]

Reads the run in the given folder (where ``mutmut run`` ran: its ``mutants/``), prints
killed / total and every mutant that survived, each marked with whether
``tests/mutation_survivors.md`` explains it (an equivalent mutant, with the reason), with
the diff of each one it does not. Exits 1 under the minimum score or when a survivor is not
explained there: a new survivor is either a missing test or an equivalence someone has to
write down.

A mutant that made the tests time out counts as killed (the tests noticed it); one that no
test reaches ("no tests") counts as a survivor. Reads mutmut's own records through its
modules (the version is pinned in constraints.txt), in one process: a diff each is instant.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

EXPLAINED = Path(__file__).resolve().with_name("mutation_survivors.md")
# a mutant named in the survivors file, as `descgen.x.x_f__mutmut_3` (methods: `descgen.x.xǁClassǁf__mutmut_3`)
_LISTED = re.compile(r"`(?P<name>[^`\s]+__mutmut_\d+)`")
KILLED = frozenset({"killed", "timeout", "caught by type check", "segfault"})
SURVIVED = frozenset({"survived", "no tests", "suspicious", "not checked"})


@dataclass(frozen=True)
class Score:
    killed: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 0.0


def score(statuses: Counter[str]) -> Score:
    """Killed (timeouts included) over every mutant that was run; skipped ones are not counted."""
    return Score(sum(statuses[s] for s in KILLED), sum(statuses.values()) - statuses["skipped"])


def explained(text: str) -> set[str]:
    return {match["name"] for match in _LISTED.finditer(text)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("folder", type=Path, help="where `mutmut run` ran")
    parser.add_argument("--minimum", type=float, default=90.0, help="the lowest passing score, in percent")
    parser.add_argument("--diffs", action="store_true", help="show the diff of every survivor, explained or not")
    options = parser.parse_args(argv)
    known = explained(EXPLAINED.read_text()) if EXPLAINED.exists() else set()

    os.chdir(options.folder)  # mutmut reads its configuration and records from the folder it ran in
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    statuses: Counter[str] = Counter()
    survivors: list[tuple[str, str, Path]] = []
    per_file: dict[Path, Counter[str]] = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        counts = per_file.setdefault(path, Counter())
        for name, exit_code in data.exit_code_by_key.items():
            status = status_by_exit_code[exit_code]
            statuses[status] += 1
            counts[status] += 1
            if status in SURVIVED:
                survivors.append((name, status, path))
    result = score(statuses)
    unexplained = [(name, status, path) for name, status, path in survivors if name not in known]

    print(f"mutation score (pure core): {result.killed} killed / {result.total} mutants = {result.percent:.1f}%")
    print("  " + ", ".join(f"{status} {n}" for status, n in sorted(statuses.items())))
    for path, counts in per_file.items():
        file_score = score(counts)
        print(f"  {path}: {file_score.killed} / {file_score.total} = {file_score.percent:.1f}%")
    print(f"survivors: {len(survivors)} ({len(survivors) - len(unexplained)} explained in {EXPLAINED.name})")
    for name, status, path in survivors:
        mark = "explained" if name in known else "NOT EXPLAINED"
        print(f"  {name}: {status} [{mark}]")
        if options.diffs or name not in known:
            diff = get_diff_for_mutant(name, path=path)
            print("\n".join("      " + line for line in diff.splitlines()[2:]))

    failures = []
    if result.percent < options.minimum:
        failures.append(f"score {result.percent:.1f}% is under {options.minimum:g}%")
    if unexplained:
        failures.append(f"{len(unexplained)} survivor(s) neither killed nor explained in {EXPLAINED}")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
