#!/usr/bin/env python3
"""Loads a safetensors file written by neurokern as PyTorch would, and checks
it against the outputs neurokern printed.

    cargo run --features safetensors --example export_safetensors -- out.safetensors > out.txt
    python3 tools/check_safetensors.py out.safetensors out.txt

The file must hold "0.weight" [16, 1], "0.bias" [16], "2.weight" [16, 16],
"2.bias" [16], "4.weight" [1, 16], "4.bias" [1] in float32: the state_dict of
nn.Sequential(Linear(1,16), Tanh(), Linear(16,16), Tanh(), Linear(16,1)).
The forward pass is recomputed here in float64 with numpy and must match
neurokern's f32 outputs to 1e-5.
"""
import sys
import numpy as np
from safetensors.numpy import load_file

path, outputs = sys.argv[1], sys.argv[2]
t = load_file(path)
shapes = {"0.weight": (16, 1), "0.bias": (16,), "2.weight": (16, 16), "2.bias": (16,),
          "4.weight": (1, 16), "4.bias": (1,)}
for name, shape in shapes.items():
    assert name in t, f"missing {name}"
    assert t[name].shape == shape, f"{name}: shape {t[name].shape}, want {shape}"
    assert t[name].dtype == np.float32, f"{name}: dtype {t[name].dtype}"
assert set(t) == set(shapes), f"unexpected tensors: {set(t) - set(shapes)}"

worst = 0.0
n = 0
for line in open(outputs):
    if line.startswith("#") or not line.strip():
        continue
    x, y = map(float, line.split())
    h = np.tanh(t["0.weight"].astype(np.float64) @ [x] + t["0.bias"])
    h = np.tanh(t["2.weight"].astype(np.float64) @ h + t["2.bias"])
    z = (t["4.weight"].astype(np.float64) @ h + t["4.bias"])[0]
    worst = max(worst, abs(z - y))
    n += 1
assert n > 0, "no outputs to compare"
assert worst < 1e-5, f"numpy forward differs from neurokern by {worst}"
print(f"safetensors file loads as a PyTorch state_dict; {n} outputs match (max diff {worst:.2e})")
