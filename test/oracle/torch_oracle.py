"""PyTorch oracle: runs generated model sources and reports what torch itself does.

Reads a JSON list of {"id", "source"} from the file named on the command line (or stdin).
Each source defines `model` and `x` and calls `model(x)`. For every case it prints one JSON
record: the output shape of every leaf module in call order (forward hooks), the parameter
count (sum of p.numel()), and the exception (type, first line, phase, failing leaf index).
"""
import json
import sys
import warnings

import torch
import torch.nn as nn
from torch.nn.modules import module as torch_module

warnings.filterwarnings("ignore")
torch.set_num_threads(1)


def shape_of(value):
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, (tuple, list)) and value:
        return shape_of(value[0])
    return None


class Recorder:
    """Global hooks: every leaf module's output, and which leaf is running."""

    def __init__(self):
        self.shapes = []
        self.running = None

    def pre(self, mod, _inputs):
        if not any(True for _ in mod.children()):
            self.running = len(self.shapes)

    def post(self, mod, _inputs, output):
        if not any(True for _ in mod.children()):
            self.shapes.append(shape_of(output))
            self.running = None


def param_count(model):
    try:
        return int(sum(p.numel() for p in model.parameters()))
    except Exception:  # uninitialised lazy parameters
        return None


def run_case(case, rec):
    rec.shapes, rec.running = [], None
    ns = {}
    result = {"id": case["id"], "shapes": None, "params": None, "error": None}
    try:
        exec(compile(case["source"], "<case>", "exec"), ns)
    except Exception as e:  # noqa: BLE001 - the exception is the data
        phase = "forward" if "model" in ns else "construct"
        first = str(e).strip().split("\n")[0]
        result["error"] = {"type": type(e).__name__, "message": first, "phase": phase,
                           "layer": rec.running if phase == "forward" else None}
    result["shapes"] = rec.shapes
    if "model" in ns and isinstance(ns["model"], nn.Module):
        result["params"] = param_count(ns["model"])
    return result


def main():
    data = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
    rec = Recorder()
    torch_module.register_module_forward_pre_hook(rec.pre)
    torch_module.register_module_forward_hook(rec.post)
    out = [run_case(c, rec) for c in data]
    json.dump({"torch": torch.__version__, "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
