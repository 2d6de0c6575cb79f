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


def class_lines(source):
    return {m.group(1): source[: m.start()].count("\n") + 1 for m in re.finditer(r"^[ \t]*class[ \t]+(\w+)", source, re.M)}


def run(path, counters):
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    STATE["file"] = os.path.abspath(path)
    STATE["calls"], STATE["objects"] = [], []
    error = None
    try:
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
    results = [run(f, counters) for f in files]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
