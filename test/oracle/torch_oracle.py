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


# Modules whose forward shapelint models as one step (their children are internal to it).
UNITS = (nn.MultiheadAttention, nn.Transformer, nn.TransformerEncoder, nn.TransformerDecoder,
         nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)


def is_leaf(mod):
    return not any(True for _ in mod.children())


class Recorder:
    """Global hooks: every leaf (or unit) module's output, and which one is running."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.shapes = []
        self.running = None
        self.unit_depth = 0

    def pre(self, mod, _inputs):
        if self.unit_depth == 0 and (is_leaf(mod) or isinstance(mod, UNITS)):
            self.running = len(self.shapes)
        if isinstance(mod, UNITS):
            self.unit_depth += 1

    def post(self, mod, _inputs, output):
        if isinstance(mod, UNITS):
            self.unit_depth -= 1
            if self.unit_depth > 0:
                return
        elif self.unit_depth > 0 or not is_leaf(mod):
            return
        self.shapes.append(shape_of(output))
        self.running = None


def param_count(model):
    try:
        return int(sum(p.numel() for p in model.parameters()))
    except Exception:  # uninitialised lazy parameters
        return None


def run_case(case, rec):
    rec.reset()
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
