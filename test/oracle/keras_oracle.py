"""Keras oracle: runs model-building sources with real Keras 3 (TensorFlow backend).

Reads a JSON list of cases ({"id", "source"}) on stdin. Each source defines `model`, a
`keras.Sequential([...])` or a functional `keras.Model(inputs, outputs)`. Prints one JSON list with, per case: every layer's output shape,
count_params(), the model's total params, or the first line of the error and the index of the
layer that raised it (among a Sequential model's layers, InputLayer excluded; null for a
functional model).
"""
import json
import os
import re
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402

# Keras trims its own frames from tracebacks; the failing layer is found from those frames.
keras.config.disable_traceback_filtering()

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_text(exc):
    """The framework's own message: unwrap Keras 3's `Exception encountered when calling` frame."""
    text = ANSI.sub("", str(exc))
    if text.startswith("Exception encountered when calling"):
        parts = text.split("\n\n")
        if len(parts) > 1:
            text = parts[1]
    return text.strip().split("\n")[0]


def failing_layer(tb):
    """Innermost Keras layer (not a model, not an InputLayer) on the traceback, and the layer
    list handed to Sequential, when those can be found."""
    layer, stack_list = None, None
    while tb is not None:
        loc = tb.tb_frame.f_locals
        obj = loc.get("self")
        if isinstance(obj, keras.Model) and isinstance(loc.get("layers"), list) and stack_list is None:
            stack_list = loc["layers"]
        elif isinstance(obj, keras.layers.Layer) and not isinstance(obj, (keras.Model, keras.layers.InputLayer)):
            layer = obj
        tb = tb.tb_next
    return layer, stack_list


def layer_index(layer, stack_list):
    if layer is None or stack_list is None:
        return None
    real = [x for x in stack_list if isinstance(x, keras.layers.Layer) and not isinstance(x, keras.layers.InputLayer)]
    for i, x in enumerate(real):
        if x is layer:
            return i
    return None


def shape_list(shape):
    return [d if d is None else int(d) for d in shape]


def output_shapes(out):
    """A layer's output shape, or a (nested) list of them for layers that return several tensors."""
    if isinstance(out, (list, tuple)):
        return [output_shapes(t) for t in out]
    return shape_list(out.shape)


def run_case(case):
    namespace = {}
    try:
        exec(case["source"], namespace)
    except Exception as exc:  # noqa: BLE001 - every failure is data here
        layer, stack_list = failing_layer(sys.exc_info()[2])
        return {
            "id": case["id"],
            "error": error_text(exc),
            "errorType": type(exc).__name__,
            "errorLayer": layer_index(layer, stack_list),
        }
    model = namespace.get("model")
    if model is None:
        return {"id": case["id"], "error": "no model defined", "errorType": "NoModel", "errorLayer": None}
    if not model.built:
        return {"id": case["id"], "error": "model not built", "errorType": "NotBuilt", "errorLayer": None}
    layers = []
    for layer in model.layers:
        # Functional models list their InputLayers too; Sequential models never do.
        if isinstance(layer, keras.layers.InputLayer):
            continue
        layers.append({"cls": type(layer).__name__, "output": output_shapes(layer.output), "params": int(layer.count_params())})
    return {"id": case["id"], "layers": layers, "total": int(model.count_params())}


def main():
    cases = json.load(sys.stdin)
    results = [run_case(c) for c in cases]
    keras.backend.clear_session()
    json.dump({"keras": keras.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
