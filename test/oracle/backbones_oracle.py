"""Runs the backbone fixtures (test/fixtures/backbones) in real PyTorch + torchvision and Keras.

Reads a JSON list of {file, variables} on stdin. Each file is executed as a script; a clean
fixture must run, an error fixture must raise. For each named variable, the parameter count of
the model it holds (PyTorch: every registered parameter; Keras: count_params()).
Prints {"results": [{file, raised, error, params: {variable: count}}]}.
"""
import json
import os
import runpy
import sys
import traceback

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import torch.library

# The venv's torchvision ops do not match its CPU torch build; model definitions are pure Python.
torch.library.register_fake = lambda *a, **k: (lambda f: f)


def count(model):
    if hasattr(model, "count_params"):
        return int(model.count_params())
    return int(sum(p.numel() for p in model.parameters()))


def main():
    results = []
    for case in json.load(sys.stdin):
        out = {"file": case["file"], "raised": False, "params": {}}
        try:
            scope = runpy.run_path(case["file"], run_name="__main__")
            for name in case["variables"]:
                out["params"][name] = count(scope[name])
                if hasattr(scope[name], "trainable_weights"):
                    out.setdefault("trainable", {})[name] = int(sum(w.numpy().size for w in scope[name].trainable_weights))
        except Exception as e:  # noqa: BLE001 - the fixture's own error is the result
            out["raised"] = True
            out["error"] = f"{type(e).__name__}: {e}"
            out["trace"] = traceback.format_exc()[-1500:]
        results.append(out)
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
