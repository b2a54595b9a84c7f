"""``python -m chaos --seconds 180 [--seed N]``: exits 1 if any invariant is violated."""

from __future__ import annotations

import argparse
import os
import random
import sys

from chaos.driver import ChaosConfig, run_chaos


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Whole descgen cycles under injected faults; then the invariants.")
    parser.add_argument("--seconds", type=float, default=180, help="how long faults are injected (default 180)")
    parser.add_argument("--seed", type=int, default=None, help="replay a run (default: $SEED, else random)")
    parser.add_argument("--stores", type=int, default=3, help="stores in the run (default 3)")
    parser.add_argument("--products", type=int, default=24, help="products per store, each in 2 languages")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(os.environ.get("SEED") or random.randrange(1 << 31))
    print(f"chaos seed {seed} (replay: SEED={seed} make chaos SECONDS={args.seconds:g})", flush=True)
    config = ChaosConfig(seconds=args.seconds, seed=seed, stores=args.stores, products=args.products)
    verdicts = run_chaos(config)
    for verdict in verdicts:
        for violation in verdict.violations:
            print(f"VIOLATION {verdict.name}: {violation}", file=sys.stderr)
    return 1 if any(not verdict.ok for verdict in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
