"""Runs data-pipeline snippets under the real libraries and reports the shapes and dtypes of
their probe variables (every batch of a loader), for test/oracle/data-sources-oracle.test.ts.

Usage: data_sources_oracle.py cases.json -> JSON list of {id, probes: {name: [[shape, dtype], ...]}}
or {id, error}. Nothing is downloaded: torchvision pipelines run on FakeData and on a folder of
small PNG images written here (IMAGE_DIR), Keras/TensorFlow ones on in-memory arrays.
"""
import contextlib
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import torch
import torch.library

# The venv's torchvision ops are built for another torch: its fake-op registration must not run.
torch.library.register_fake = lambda *a, **k: (lambda f: f)

from PIL import Image  # noqa: E402


def image_dir():
    root = tempfile.mkdtemp()
    rng = np.random.RandomState(0)
    for cls in ("cats", "dogs"):
        os.makedirs(os.path.join(root, cls))
        for i in range(3):
            h, w = int(rng.randint(20, 60)), int(rng.randint(20, 60))
            Image.fromarray(rng.randint(0, 255, (h, w, 3), dtype=np.uint8)).save(os.path.join(root, cls, f"{i}.png"))
    return root


def describe(v):
    if isinstance(v, torch.Tensor):
        return [list(v.shape), str(v.dtype).replace("torch.", "")]
    if isinstance(v, np.ndarray):
        return [list(v.shape), v.dtype.name]
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        return [list(v.shape), getattr(v.dtype, "name", str(v.dtype))]
    return None


def main():
    cases = json.load(open(sys.argv[1]))
    folder = image_dir()
    out = []
    for c in cases:
        ns = {"IMAGE_DIR": folder}
        try:
            # Libraries print progress ("Found 6 files…"): keep stdout for the JSON.
            with contextlib.redirect_stdout(sys.stderr):
                exec(c["source"], ns)
            probes = {}
            for name in c["probes"]:
                v = ns[name]
                # A loader or dataset probe: every batch it gives.
                with contextlib.redirect_stdout(sys.stderr):
                    items = [describe(b) for b in v] if isinstance(v, list) else [describe(v)]
                probes[name] = items
            out.append({"id": c["id"], "probes": probes})
        except Exception as e:  # the case raised: reported, not compared
            out.append({"id": c["id"], "error": f"{type(e).__name__}: {e}"[:300]})
    json.dump(out, sys.stdout)


main()
