"""Corpus oracle: runs each corpus file under the real framework and reports what it did.

Usage: corpus_oracle.py FILE...  Prints one JSON object {"results": [...]}, one record per file:
  error    -- null, or "Type: first line" of the exception the file raised
  calls    -- every module/layer call: type, construction line, call line, output shape
  objects  -- every module/layer built: type, construction line, class line (when the class
              is defined in the file), parameter count (torch: sum of numel of parameters();
              keras: count_params())
Lines are 1-based lines of the file. The construction line is the innermost frame of the file
that is not the object's own __init__ (so `super().__init__()` does not count).
"""
import contextlib
import json
import os
import re
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

STATE = {"file": None, "calls": [], "objects": []}


def file_lines(obj, frame):
    """(construction-or-call line) of the innermost frame in the current file, skipping obj's own methods."""
    f = frame
    while f is not None:
        if f.f_code.co_filename == STATE["file"] and f.f_locals.get("self") is not obj:
            return f.f_lineno
        f = f.f_back
    return None


def shape_of(value):
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, (tuple, list)):
        try:
            return [None if d is None else int(d) for d in tuple(shape)]
        except TypeError:
            return None
    if isinstance(value, (tuple, list)) and value:
        return shape_of(value[0])
    return None


def record_object(obj):
    STATE["objects"].append({"obj": obj, "type": type(obj).__name__, "line": file_lines(obj, sys._getframe(2))})


def record_call(obj, output):
    line = None
    for rec in reversed(STATE["objects"]):
        if rec["obj"] is obj:
            line = rec["line"]
            break
    STATE["calls"].append({"type": type(obj).__name__, "line": line, "callLine": file_lines(obj, sys._getframe(2)), "shape": shape_of(output)})


def install_torch():
    import torch
    import torch.nn as nn
    from torch.nn.modules import module as torch_module

    torch.set_num_threads(1)
    original_init = nn.Module.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if not getattr(self, "_corpus_seen", False):
            object.__setattr__(self, "_corpus_seen", True)
            record_object(self)

    nn.Module.__init__ = init
    torch_module.register_module_forward_hook(lambda mod, _inp, out: record_call(mod, out))

    def params(obj):
        return int(sum(p.numel() for p in obj.parameters())) if isinstance(obj, nn.Module) else None

    return params


def install_keras():
    import keras

    Layer = keras.layers.Layer
    original_init = Layer.__init__
    original_call = Layer.__call__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if not getattr(self, "_corpus_seen", False):
            object.__setattr__(self, "_corpus_seen", True)
            record_object(self)

    def call(self, *args, **kwargs):
        out = original_call(self, *args, **kwargs)
        record_call(self, out)
        return out

    Layer.__init__ = init
    Layer.__call__ = call

    def params(obj):
        if not isinstance(obj, Layer):
            return None
        try:
            return int(obj.count_params())
        except Exception:  # noqa: BLE001 - unbuilt layers have no parameter count
            return None

    return params


# Small stand-ins for the Keras dataset downloads (the oracle has no network): arrays with the
# documented per-sample shapes and dtypes, a few hundred samples instead of the full sets.
def _image_set(n_train, n_test, sample, label_shape):
    import numpy as np

    def load_data(*_args, **_kwargs):
        rng = np.random.default_rng(0)
        def split(n):
            return rng.integers(0, 256, size=(n,) + sample, dtype=np.uint8), rng.integers(0, 10, size=(n,) + label_shape, dtype=np.uint8)
        return split(n_train), split(n_test)

    return load_data


def _imdb_load_data(num_words=None, **_kwargs):
    import numpy as np

    rng = np.random.default_rng(0)
    vocab = num_words or 1000
    def split(n):
        x = np.empty(n, dtype=object)
        for i in range(n):
            x[i] = list(rng.integers(1, vocab, size=int(rng.integers(10, 120))))
        return x, rng.integers(0, 2, size=(n,))
    return split(64), split(32)


DATASETS = {
    "mnist": _image_set(256, 64, (28, 28), ()),
    "fashion_mnist": _image_set(256, 64, (28, 28), ()),
    "cifar10": _image_set(256, 64, (32, 32, 3), (1,)),
    "imdb": _imdb_load_data,
}


def install_datasets():
    """Replaces load_data in every imported Keras datasets module (keras.*, tensorflow.keras.*)."""
    try:
        import tensorflow.keras.datasets  # noqa: F401 - imports the tf.keras aliases too
    except Exception:  # noqa: BLE001 - TensorFlow is optional
        pass
    for name, module in list(sys.modules.items()):
        leaf = name.rsplit(".", 1)[-1]
        if ".datasets." in name and leaf in DATASETS and hasattr(module, "load_data"):
            module.load_data = DATASETS[leaf]


def class_lines(source):
    return {m.group(1): source[: m.start()].count("\n") + 1 for m in re.finditer(r"^[ \t]*class[ \t]+(\w+)", source, re.M)}


def run(path, counters):
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    STATE["file"] = os.path.abspath(path)
    STATE["calls"], STATE["objects"] = [], []
    error = None
    try:
        # The file's own prints (training logs) must not mix with the JSON on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            exec(compile(source, STATE["file"], "exec"), {"__name__": "__main__", "__file__": STATE["file"]})
    except Exception as e:  # noqa: BLE001 - the exception is the data
        error = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
    classes = class_lines(source)
    objects = []
    for rec in STATE["objects"]:
        count = None
        for params in counters:
            count = params(rec["obj"])
            if count is not None:
                break
        objects.append({"type": rec["type"], "line": rec["line"], "classLine": classes.get(rec["type"]), "params": count})
    result = {"file": path, "error": error, "calls": STATE["calls"], "objects": objects}
    STATE["calls"], STATE["objects"] = [], []
    return result


def main():
    files = sys.argv[1:]
    counters = []
    if any("import torch" in open(f, encoding="utf-8").read() for f in files):
        counters.append(install_torch())
    if any("keras" in open(f, encoding="utf-8").read() for f in files):
        counters.append(install_keras())
        install_datasets()
    results = [run(f, counters) for f in files]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
