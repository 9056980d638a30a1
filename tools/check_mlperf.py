#!/usr/bin/env python3
"""MLPerf Tiny's anomaly detector, bit for bit against the runtimes a TFLite
user has: LiteRT's reference kernels (PyPI `ai-edge-litert`, BUILTIN_REF) for
neurokern's LiteRT arithmetic, and TensorFlow Lite Micro's interpreter (PyPI
`tflite-micro`) for its TFLM arithmetic.

    python3 tools/check_mlperf.py BIN DATA_DIR WORK_DIR [--perturb-output | --perturb-score]

BIN is the `neurokern-tflite` binary, DATA_DIR `../shared/mlperf-tiny`
(third-party data, read in place). For both int8 models (`ad01_int8`, int8
interface; `model_ToyCar_quant_fullint`, float interface) and both
arithmetics, every output (of the `.tflite` and of its int8 blob, written
by `convert --blob`, which must give the same bytes) of the 196 windows of the reference input and of
200 random inputs must equal the runtime's, and each window's anomaly score
(mean over the 640 outputs of (dequantized output - float input)^2, summed
in f64 in index order) must equal the one computed here from the runtime's
output. `--perturb-output` changes one of neurokern's outputs, and
`--perturb-score` one of its scores by one ULP, before comparing: the check
must then fail (CI shows it does).

Exit status 1 on any difference, 2 on a usage or setup error.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
from tflite_micro.python.tflite_micro import runtime as tflm

MODELS = ["ad01_int8.tflite", "model_ToyCar_quant_fullint.tflite"]
RANDOM_ROWS = 200


def windows(data_dir):
    frames = np.fromfile(data_dir / "normal_id_01_00000000_hist_librosa.bin", dtype="<f4")
    frames = frames.reshape(200, 128)
    return np.stack([frames[k:k + 5].reshape(640) for k in range(196)])


def quantize(x, scale, zp):
    """TFLite's QUANTIZE: round(x / scale) half away from zero, + zp, clamp."""
    v = np.asarray(x, dtype=np.float32) / np.float32(scale)
    r = np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))
    return np.clip(r.astype(np.int64) + zp, -128, 127).astype(np.int8)


def dequantize(q, scale, zp):
    """TFLite's DEQUANTIZE: scale * (q - zp) in f64, rounded to f32."""
    return (np.float64(scale) * (q.astype(np.int64) - zp)).astype(np.float32)


def score(deq, ref):
    s = 0.0
    for d, r in zip(deq.tolist(), ref.tolist()):
        e = float(np.float32(d)) - float(np.float32(r))
        s += e * e
    return s / len(ref)


def litert(path, rows):
    it = Interpreter(model_path=str(path), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    i, o = it.get_input_details()[0], it.get_output_details()[0]
    out = []
    for x in rows:
        it.set_tensor(i["index"], x[None, :])
        it.invoke()
        out.append(it.get_tensor(o["index"])[0].copy())
    return np.stack(out), o


def micro(path, rows):
    it = tflm.Interpreter.from_file(str(path))
    out = []
    for x in rows:
        it.set_input(x[None, :], 0)
        it.invoke()
        out.append(it.get_output(0)[0].copy())
    return np.stack(out)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    perturb = "--perturb-output" in sys.argv[1:]
    perturb_score = "--perturb-score" in sys.argv[1:]
    if len(args) != 3:
        print(__doc__)
        return 2
    binary, data_dir, work = Path(args[0]), Path(args[1]), Path(args[2])
    if not (data_dir / MODELS[0]).exists():
        print(f"check_mlperf: {data_dir} has no {MODELS[0]} (MLPerf Tiny's models: ../shared/mlperf-tiny)")
        return 2
    work.mkdir(parents=True, exist_ok=True)
    win = windows(data_dir)
    rng = np.random.default_rng(2026)
    failed = False
    for name in MODELS:
        path = data_dir / name
        probe = Interpreter(model_path=str(path))
        probe.allocate_tensors()
        idet = probe.get_input_details()[0]
        float_io = idet["dtype"] == np.float32
        if float_io:
            real = win.astype(np.float32)
            lo, hi = float(win.min()), float(win.max())
            rand = rng.uniform(lo, hi, size=(RANDOM_ROWS, 640)).astype(np.float32)
        else:
            (scale,), (zp,) = idet["quantization_parameters"]["scales"], idet["quantization_parameters"]["zero_points"]
            real = quantize(win, scale, int(zp))
            rand = rng.integers(-128, 128, size=(RANDOM_ROWS, 640)).astype(np.int8)
        rows = np.concatenate([real, rand])
        inp = work / f"{path.stem}.in"
        rows.tofile(inp)
        ref = work / f"{path.stem}.windows.f32"
        np.concatenate([win, np.zeros((RANDOM_ROWS, 640))]).astype("<f4").tofile(ref)
        runtimes = {"litert": litert(path, rows), "tflm": (micro(path, rows), None)}
        odet = runtimes["litert"][1]
        oscale = odet["quantization_parameters"]["scales"]
        ozp = odet["quantization_parameters"]["zero_points"]
        for arith, (want, _) in runtimes.items():
            out = work / f"{path.stem}.{arith}.out"
            scores = work / f"{path.stem}.{arith}.scores"
            r = subprocess.run([str(binary), "run", str(path), str(inp), str(out),
                                "--arithmetic", arith, "--scores", str(scores), "--reference", str(ref)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {name} {arith}: neurokern-tflite run failed: {r.stderr.strip()}")
                failed = True
                continue
            got = np.fromfile(out, dtype=np.float32 if float_io else np.int8).reshape(want.shape)
            # the same model as an int8 blob (convert --blob), run from the blob:
            # the same bytes, so the blob path is held to the runtime too
            blob, out_blob = work / f"{path.stem}.{arith}.nkq", work / f"{path.stem}.{arith}.blob.out"
            for cmd in (["convert", str(path), "--arithmetic", arith, "--blob", str(blob)],
                        ["run", str(blob), str(inp), str(out_blob)]):
                r = subprocess.run([str(binary)] + cmd, capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"FAIL {name} {arith}: neurokern-tflite {cmd[0]} (blob) failed: {r.stderr.strip()}")
                    failed = True
            if not out_blob.exists() or out_blob.read_bytes() != out.read_bytes():
                print(f"FAIL {name} {arith}: the blob's outputs differ from the .tflite's")
                failed = True
            if perturb:
                got = got.copy()
                got.flat[7] = got.flat[7] + (1 if not float_io else np.float32(0.5))
            if float_io:
                diff = got.view(np.uint32) != want.astype(np.float32).view(np.uint32)
            else:
                diff = got != want
            n_diff = int(diff.sum())
            # the anomaly score of every real window, from the runtime's output
            deq_want = want[:196].astype(np.float32) if float_io else \
                dequantize(want[:196], oscale[0], int(ozp[0]))
            ours = np.fromfile(scores, dtype="<f8")[:196]
            theirs = np.array([score(deq_want[k], win[k]) for k in range(196)])
            if perturb_score:
                ours = ours.copy()
                ours[5] = np.nextafter(ours[5], np.inf)
            n_score = int((ours != theirs).sum())
            label = "TFLite Micro" if arith == "tflm" else "LiteRT BUILTIN_REF"
            status = "ok  " if n_diff == 0 and n_score == 0 else "FAIL"
            print(f"{status} {name} ({arith} arithmetic) vs {label}: {want.size - n_diff} of {want.size} "
                  f"outputs equal (196 windows + {RANDOM_ROWS} random rows); "
                  f"{196 - n_score} of 196 anomaly scores equal (mean {theirs.mean():.6f})")
            failed |= n_diff != 0 or n_score != 0
        a, b = runtimes["litert"][0], runtimes["tflm"][0]
        if float_io:
            nd = int((a.view(np.uint32) != b.view(np.uint32)).sum())
        else:
            nd = int((a != b).sum())
        print(f"     {name}: LiteRT and TFLite Micro themselves differ on {nd} of {a.size} outputs")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
