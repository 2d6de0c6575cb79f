"""Builds keras.applications models in real Keras 3 for the stub oracle test.

Reads a JSON list of constructor calls (``"ResNet50(weights=None, input_shape=(64, 64, 3))"``)
on stdin and prints, for each, the model's parameter count, input and output shapes, or the
error it raised (its type and message). Calls with ``weights='imagenet'`` are only ever ones
that raise before any download.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from keras import applications  # noqa: E402


def build(call):
    try:
        model = eval("applications." + call, {"applications": applications})
    except Exception as e:  # the error is the result
        return {"error": str(e), "type": type(e).__name__}
    finally:
        keras.backend.clear_session()
    return {"params": model.count_params(), "input": list(model.input_shape[1:]), "output": list(model.output_shape[1:])}


print(json.dumps([build(call) for call in json.load(sys.stdin)]))
