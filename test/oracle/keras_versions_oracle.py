"""Runs each snippet (JSON list on stdin) in real Keras 3: the error it raises, or the shape of `out`."""
import json
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.simplefilter("ignore")
import keras  # noqa: E402,F401

results = []
for source in json.load(sys.stdin):
    scope = {}
    try:
        exec(source, scope)
        out = scope.get("out")
        results.append({"shape": None if out is None else [None if d is None else int(d) for d in out.shape]})
    except Exception as e:  # the verdict is the point
        results.append({"error": str(e).split("\n")[0], "type": type(e).__name__})
print(json.dumps(results))
