#!/usr/bin/env python3
"""Runs every <name>.tflite in a directory through LiteRT (TensorFlow Lite's
runtime, PyPI `ai-edge-litert`) on the inputs in <name>.json and compares
LiteRT's outputs with neurokern's (written beside them by
`cargo run -p neurokern-tflite --example litert_cases -- DIR`), bit for bit.

LiteRT's reference kernels (BUILTIN_REF) must agree exactly, on every
output. LiteRT's other two kernel sets are run and their differences
counted, not failed on, because they disagree with LiteRT's own reference
kernels: the optimized kernels (BUILTIN_WITHOUT_DEFAULT_DELEGATES) on 0.3–6 %
of the outputs here (off by one: a different rounding of
the requantization), and the default XNNPACK delegate, which requantizes
in float.

Models whose JSON says `"runtime": "tflm"` (the `tflm_*` cases: neurokern's
TFLite Micro arithmetic, double rounding and fixed-point LOGISTIC/TANH
tables) are run through TensorFlow Lite Micro's interpreter (PyPI
`tflite-micro`) instead, and must agree with it exactly.

Exit status 1 on any difference from the reference kernels.
"""
import json
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
from tflite_micro.python.tflite_micro import runtime as tflm

CHECKED = [("reference", OpResolverType.BUILTIN_REF)]
COUNTED = [("optimized", OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES),
           ("xnnpack", OpResolverType.AUTO)]


def run(path, resolver, cases, float_io):
    if resolver == "tflm":
        it = tflm.Interpreter.from_file(str(path))
        dtype = np.float32 if float_io else np.int8
        got = []
        for x, _ in cases:
            it.set_input(np.array([x], dtype=dtype), 0)
            it.invoke()
            got.append(it.get_output(0)[0].copy())
        return got
    interp = Interpreter(model_path=str(path), experimental_op_resolver_type=resolver)
    interp.allocate_tensors()
    inp, outp = interp.get_input_details()[0], interp.get_output_details()[0]
    dtype = np.float32 if float_io else np.int8
    got = []
    for x, _ in cases:
        interp.set_tensor(inp["index"], np.array([x], dtype=dtype))
        interp.invoke()
        got.append(interp.get_tensor(outp["index"])[0].copy())
    return got


def same(a, b, float_io):
    if float_io:
        return np.array(a, dtype=np.float32).view(np.uint32).tolist() == \
            np.array(b, dtype=np.float32).view(np.uint32).tolist()
    return [int(v) for v in a] == [int(v) for v in b]


def main():
    d = Path(sys.argv[1] if len(sys.argv) > 1 else "target/litert")
    models = sorted(d.glob("*.tflite"))
    if not models:
        sys.exit(f"no .tflite files in {d}: run `cargo run -p neurokern-tflite --example litert_cases -- {d}` first")
    failed = False
    for m in models:
        spec = json.loads(m.with_suffix(".json").read_text())
        cases, float_io = spec["cases"], spec["float_io"]
        n = sum(len(y) for _, y in cases)
        micro = spec.get("runtime") == "tflm"
        for label, resolver in ([("TFLite Micro", "tflm")] if micro else CHECKED):
            got = run(m, resolver, cases, float_io)
            bad = [i for i, ((_, want), g) in enumerate(zip(cases, got)) if not same(want, g, float_io)]
            if bad:
                failed = True
                i = bad[0]
                print(f"FAIL {m.name} [{label}]: {len(bad)}/{len(cases)} cases differ; first: input {cases[i][0]}"
                      f" neurokern {cases[i][1]} runtime {got[i].tolist()}")
            else:
                print(f"ok   {m.name} [{label}]: {len(cases)} inputs, {n} outputs equal")
        for label, resolver in ([] if micro else COUNTED):
            got = run(m, resolver, cases, float_io)
            diff = sum(1 for (_, want), g in zip(cases, got) for a, b in zip(want, g.tolist())
                       if not same([a], [b], float_io))
            print(f"     {m.name} [{label}, counted]: {diff}/{n} outputs differ")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
