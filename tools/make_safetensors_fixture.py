#!/usr/bin/env python3
"""Writes tests/data/torch_2_4_1.safetensors and its expected outputs.

The file has the layout PyTorch's
    nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
gives with `safetensors.torch.save_file(model.state_dict(), path)`:
tensors "0.weight" [4, 2], "0.bias" [4], "2.weight" [1, 4], "2.bias" [1],
all float32. It is written with safetensors' numpy API (no torch needed),
which produces the same bytes. Expected outputs are computed here in float64
with numpy, independently of neurokern.

    pip install safetensors numpy && python3 tools/make_safetensors_fixture.py
"""
import numpy as np
from safetensors.numpy import save_file

rng = np.random.default_rng(2026)
w0 = rng.normal(0, 0.8, (4, 2)).astype(np.float32)
b0 = rng.normal(0, 0.3, (4,)).astype(np.float32)
w2 = rng.normal(0, 0.8, (1, 4)).astype(np.float32)
b2 = rng.normal(0, 0.3, (1,)).astype(np.float32)
save_file({"0.weight": w0, "0.bias": b0, "2.weight": w2, "2.bias": b2},
          "tests/data/torch_2_4_1.safetensors")

xs = np.array([[0.0, 0.0], [1.0, -1.0], [0.5, 2.0], [-3.0, 0.25]])
h = np.tanh(xs @ w0.astype(np.float64).T + b0)
y = h @ w2.astype(np.float64).T + b2
with open("tests/data/torch_2_4_1.expected.txt", "w") as f:
    f.write("# x0 x1 y (float64, numpy)\n")
    for x, v in zip(xs, y[:, 0]):
        f.write(f"{float(x[0])!r} {float(x[1])!r} {float(v)!r}\n")
