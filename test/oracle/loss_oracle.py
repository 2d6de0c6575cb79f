"""Runs loss-oracle cases (Python sources) in the real framework, all in one process.

Input: a JSON file of [{id, framework, source}]. Output (stdout): JSON {results: [{id, outcome,
message}]}, where outcome is "raise" (the source raised; message is the error's first line),
"warn" (PyTorch warned that the target size differs from the input size) or "pass".
"""
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def run(source):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(source, "<case>", "exec"), {})
        except Exception as e:  # the verdict is whatever the framework raised
            return "raise", str(e).strip().split("\n")[0]
    sized = [str(w.message) for w in caught if "target size" in str(w.message)]
    return ("warn", sized[0]) if sized else ("pass", "")


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    import torch  # noqa: F401  (imported once, before the cases)
    if any(c["framework"] == "keras" for c in cases):
        import keras  # noqa: F401
    results = []
    for c in cases:
        outcome, message = run(c["source"])
        results.append({"id": c["id"], "outcome": outcome, "message": message})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
