#!/usr/bin/env python3
"""Makes tests/data/tf_sine.tflite with TensorFlow's own converter, and
tests/data/tf_sine.json with LiteRT's outputs for it: the fixture that shows
a model from TensorFlow runs in neurokern with the same int8 outputs.

Needs TensorFlow (not installed by CI; the two files are checked in):

    python3 -m venv /tmp/tf && /tmp/tf/bin/pip install tensorflow-cpu ai-edge-litert
    /tmp/tf/bin/python tools/make_tflite_fixture.py

A 1-16-16-1 Keras MLP (ReLU, tanh, linear) fitted to sin on [0, 2π],
converted with full-integer post-training quantization (int8 input and
output, representative dataset of 256 angles), so the file holds
FULLY_CONNECTED with a fused RELU, FULLY_CONNECTED + TANH, and a linear
FULLY_CONNECTED, all int8 with per-channel weights as the converter writes
them.
"""
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

root = Path(__file__).resolve().parent.parent
out = root / "tests" / "data"
out.mkdir(parents=True, exist_ok=True)

tf.keras.utils.set_random_seed(7)
x = np.linspace(0, 2 * np.pi, 512, dtype=np.float32)[:, None]
y = np.sin(x)
xin = x / np.pi - 1.0
model = tf.keras.Sequential([
    tf.keras.Input(shape=(1,)),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(16, activation="tanh"),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mse")
model.fit(xin, y, epochs=300, batch_size=32, verbose=0)
print("float mse", float(np.mean((model.predict(xin, verbose=0) - y) ** 2)))


def representative():
    for v in np.linspace(-1, 1, 256, dtype=np.float32):
        yield [np.array([[v]], dtype=np.float32)]


conv = tf.lite.TFLiteConverter.from_keras_model(model)
conv.optimizations = [tf.lite.Optimize.DEFAULT]
conv.representative_dataset = representative
conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
conv.inference_input_type = tf.int8
conv.inference_output_type = tf.int8
blob = conv.convert()
(out / "tf_sine.tflite").write_bytes(blob)

interp = Interpreter(model_content=blob, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
interp.allocate_tensors()
inp, outp = interp.get_input_details()[0], interp.get_output_details()[0]
cases = []
for q in range(-128, 128):
    interp.set_tensor(inp["index"], np.array([[q]], dtype=np.int8))
    interp.invoke()
    cases.append([[q], interp.get_tensor(outp["index"])[0].astype(int).tolist()])
(out / "tf_sine.json").write_text(json.dumps({
    "made_by": "tools/make_tflite_fixture.py (TensorFlow " + tf.__version__ + ", LiteRT BUILTIN_REF)",
    "float_io": False,
    "cases": cases,
}, indent=None) + "\n")
print("wrote", out / "tf_sine.tflite", len(blob), "bytes")
