#!/usr/bin/env python3
"""LiteRT's time per inference of MLPerf Tiny's anomaly detector on this
host, to set beside `cargo bench -p neurokern-tflite --bench ad01` run in
the same session:

    python3 tools/time_litert.py ../shared/mlperf-tiny

For the default (XNNPACK) and the reference kernels (BUILTIN_REF): the 196
windows of the reference input through `invoke()` from a Python loop, 31
times, the median per inference; and the same loop over a one-operator
model (tests/data/tf_sine.tflite's smallest work: the interpreter's call
overhead), whose time is subtracted.
"""
import sys
import time
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType


def per_inference(path, resolver, rows):
    it = Interpreter(model_path=str(path), experimental_op_resolver_type=resolver, num_threads=1)
    it.allocate_tensors()
    inp, = it.get_input_details()
    x = [np.asarray(r, dtype=inp["dtype"])[None, :] for r in rows]
    times = []
    for _ in range(31):
        start = time.perf_counter()
        for r in x:
            it.set_tensor(inp["index"], r)
            it.invoke()
        times.append((time.perf_counter() - start) / len(x))
    return sorted(times)[15]


def main():
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/mlperf-tiny")
    root = Path(__file__).resolve().parent.parent
    frames = np.fromfile(data / "normal_id_01_00000000_hist_librosa.bin", dtype="<f4").reshape(200, 128)
    probe = Interpreter(model_path=str(data / "ad01_int8.tflite"))
    (scale,), (zp,) = (probe.get_input_details()[0]["quantization_parameters"][k] for k in ("scales", "zero_points"))
    win = np.stack([frames[k:k + 5].reshape(640) for k in range(196)])
    q = np.clip(np.round(win / scale) + zp, -128, 127).astype(np.int8)
    small = root / "tests/data/tf_sine.tflite"
    small_rows = np.zeros((196, 1), dtype=np.int8)
    print("LiteRT, ad01_int8, median of 31 runs over 196 windows (minus the call overhead):")
    for label, resolver in [("XNNPACK (default)", OpResolverType.AUTO),
                            ("BUILTIN_REF", OpResolverType.BUILTIN_REF)]:
        t = per_inference(data / "ad01_int8.tflite", resolver, q)
        o = per_inference(small, resolver, small_rows)
        print(f"  {label:<18} {t * 1e6:8.2f} µs per inference, call overhead {o * 1e6:.2f} µs, "
              f"net {(t - o) * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
