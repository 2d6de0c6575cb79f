"""torchvision oracle: runs shapelint's torchvision stub files in real PyTorch next to the real
torchvision models and reports what each does.

Reads a JSON object {"stubs": dir, "cases": [{"id", "file", "call", "real", "inputs": [[c, h, w], ...],
"eval": bool}]} from the file named on the command line. For every case it prints one JSON record
with, for the stub and for the real model: the parameter count (sum of p.numel()) and, per input
(a batch of 2, training mode as after construction unless "eval" asks for model.eval()), the
output shape (the logits of a training-mode tuple), whether the output was a tuple, or the exception (type, first line of the message, and for the stub the line of the stub
file that raised, as shapelint reports it: the call of the failing module or function, or for a
module run by a container such as nn.Sequential, the line that constructed it).
"""
import json
import os
import sys
import traceback
import warnings

import torch
import torch.library

# torchvision's compiled ops may not match this torch build; model definitions are pure Python.
torch.library.register_fake = lambda *a, **k: (lambda f: f)
import torchvision.models as tv_models  # noqa: E402

warnings.filterwarnings("ignore")
torch.set_num_threads(1)


def record_construction_sites(path):
    """Every module built while this is active remembers the stub line that constructed it."""
    original = torch.nn.Module.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        for frame in reversed(traceback.extract_stack()):
            if frame.filename == path:
                self._shapelint_line = frame.lineno
                break

    torch.nn.Module.__init__ = init
    return lambda: setattr(torch.nn.Module, "__init__", original)


def track_leaves(model):
    """A stack of the leaf modules running now (pushed before forward, popped after)."""
    running = []

    def enter(mod, inp):
        running.append(mod)

    def leave(mod, inp, out):
        running.pop()  # a hook that returns a value would replace the output

    for m in model.modules():
        if not list(m.children()):
            m.register_forward_pre_hook(enter)
            m.register_forward_hook(leave)
    return running


def load_stub(path, cache={}):
    if path not in cache:
        with open(path, encoding="utf8") as f:
            ns = {"__name__": "shapelint_stub_" + os.path.basename(path)[:-3]}
            exec(compile(f.read(), path, "exec"), ns)
        cache[path] = ns
    return cache[path]


def count(build):
    # On the meta device when the model allows it: no memory, no initialisation time.
    try:
        with torch.device("meta"):
            model = build()
    except Exception:
        model = build()
    return sum(p.numel() for p in model.parameters())


def first_tensor(value):
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, (tuple, list)) and value:
        return first_tensor(value[0])
    return None


def run(model, shape, stub_path):
    running = track_leaves(model) if stub_path else []
    try:
        torch.manual_seed(0)
        with torch.no_grad():
            out = model(torch.randn(2, *shape))
        return {"shape": first_tensor(out), "tuple": isinstance(out, tuple), "error": None}
    except Exception as e:
        # The innermost stub line on the stack is the call that failed, unless that call went
        # through a container (nn.Sequential runs its items): then the failing leaf's constructor.
        frames = traceback.extract_tb(e.__traceback__)
        inner = max((i for i, f in enumerate(frames) if stub_path and f.filename == stub_path), default=None)
        line = frames[inner].lineno if inner is not None else None
        via_container = inner is not None and any(f.filename.endswith("container.py") for f in frames[inner + 1:])
        if via_container and running and hasattr(running[-1], "_shapelint_line"):
            line = running[-1]._shapelint_line
        message = str(e).strip().split("\n")[0]
        return {"shape": None, "error": {"type": type(e).__name__, "message": message, "line": line}}


def main():
    with open(sys.argv[1], encoding="utf8") as f:
        job = json.load(f)
    results = []
    for case in job["cases"]:
        path = os.path.join(job["stubs"], case["file"])
        ns = load_stub(path)
        rec = {"id": case["id"]}
        rec["stub_params"] = count(lambda: eval(case["call"], ns))
        rec["real_params"] = count(lambda: eval(case["real"], vars(tv_models)))
        if case["inputs"]:
            restore = record_construction_sites(path)
            try:
                stub = eval(case["call"], ns)
            finally:
                restore()
            real = eval(case["real"], vars(tv_models))
            if case.get("eval"):
                stub.eval()
                real.eval()
            rec["stub_runs"] = [run(stub, s, path) for s in case["inputs"]]
            rec["real_runs"] = [run(real, s, None) for s in case["inputs"]]
            del stub, real
        results.append(rec)
        print(json.dumps({"progress": case["id"]}), file=sys.stderr, flush=True)
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
