#!/usr/bin/env python3
"""Prints the medians criterion saved under target/criterion as a table.

    cargo bench --bench activations -- /4096/ && python3 tools/bench_table.py activations 4096
    cargo bench --bench mlp && python3 tools/bench_table.py mlp

For the activation groups (named <function>/<N>) it prints ns per element;
for the others, ns per iteration.
"""
import json
import pathlib
import sys

root = pathlib.Path("target/criterion")
which = sys.argv[1] if len(sys.argv) > 1 else "activations"
size = sys.argv[2] if len(sys.argv) > 2 else None
rows = []
for est in sorted(root.glob("**/new/estimates.json")):
    bench = json.loads((est.parent / "benchmark.json").read_text())
    group, ident = bench["group_id"], bench.get("value_str") or bench.get("function_id")
    median = json.loads(est.read_text())["median"]["point_estimate"]
    if which == "activations":
        parts = group.split("/")
        if len(parts) != 2 or not parts[1].isdigit() or (size and parts[1] != size):
            continue
        rows.append((parts[0], int(parts[1]), ident, median / int(parts[1])))
    elif group.startswith(("dense", "train")):
        rows.append((group, 0, ident, median))
for name, n, ident, v in rows:
    unit = "ns/elem" if which == "activations" else "ns/iter"
    print(f"{name:<34} {n or '':>8} {ident:<24} {v:10.4f} {unit}")
