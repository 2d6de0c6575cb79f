"""Lists the public PyTorch API that shapelint's coverage is measured against.

Prints JSON: the torch version, every nn.Module subclass exported by torch.nn, every public
function of torch.nn.functional, and which of the tensor shape ops (a fixed list of the torch
functions that reshape, split, join, reorder or contract tensors) this torch provides as a
torch.* function and as a Tensor method. test/oracle/torch-api.json is this script's output.
"""
import inspect
import json
import sys
import warnings

warnings.filterwarnings("ignore")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

TENSOR_SHAPE_OPS = [
    "reshape", "view", "view_as", "reshape_as", "flatten", "unflatten", "ravel", "squeeze", "unsqueeze",
    "transpose", "swapaxes", "swapdims", "t", "permute", "movedim", "moveaxis",
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "row_stack",
    "split", "chunk", "tensor_split", "unbind", "narrow", "select", "index_select",
    "expand", "expand_as", "broadcast_to", "broadcast_tensors", "repeat", "repeat_interleave", "tile",
    "matmul", "mm", "bmm", "einsum", "atleast_1d", "atleast_2d", "atleast_3d",
    "mean", "sum", "amax", "amin", "prod", "std", "var", "norm", "size", "dim",
]


def public_functions(module):
    names = []
    for name in dir(module):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.ismodule(obj) or not callable(obj):
            continue
        owner = getattr(obj, "__module__", None) or ""
        if owner.startswith("typing") or owner.startswith("warnings"):
            continue
        names.append(name)
    return sorted(names)


def main():
    modules = sorted(n for n in dir(nn)
                     if inspect.isclass(getattr(nn, n)) and issubclass(getattr(nn, n), nn.Module))
    ops = [{"name": n, "function": hasattr(torch, n), "method": hasattr(torch.Tensor, n)}
           for n in TENSOR_SHAPE_OPS]
    json.dump({"torch": torch.__version__.split("+")[0], "modules": modules,
               "functional": public_functions(F), "tensorOps": ops}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
