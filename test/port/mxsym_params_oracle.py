"""Oracle for `shapelint port --with-weights` from MXNet symbol graphs, without MXNet.

Reads {cases: [{id, ops, input, ports: {torch, keras}, className}]} on stdin. For each case it draws random
arguments and auxiliary states for the ops (a hand-written description of the symbol graph,
independent of shapelint), writes them as an MXNet checkpoint `.params` file by following
NDArray::Save in MXNet's src/ndarray/ndarray.cc (this writer shares no code with the port's
reader), computes the symbol graph's inference forward in numpy, then loads the file into the
PyTorch and Keras ports with their load_weights and runs them on the same input. Prints
{results: [{id, torch, keras}]}: each the largest absolute difference to the numpy output, or
an error.
"""
import json
import os
import struct
import sys
import tempfile
import traceback

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

LIST_MAGIC = 0x112  # kMXAPINDArrayListMagic
V2_MAGIC = 0xF993FAC9  # NDARRAY_V2_MAGIC: with the storage type
FLOAT32 = 0  # mshadow::kFloat32
CPU = 1  # Context::kCPU (cpu::kDevMask)


def save_ndarray_list(path, named):
    """mx.nd.save(path, dict): header, reserved, the arrays (a uint64 count, each NDArray::Save), the names."""
    out = [struct.pack("<QQ", LIST_MAGIC, 0), struct.pack("<Q", len(named))]
    for array in named.values():
        a = np.ascontiguousarray(array, dtype="<f4")
        out.append(struct.pack("<Ii", V2_MAGIC, 0))  # magic, default (dense) storage
        out.append(struct.pack("<i", a.ndim) + struct.pack(f"<{a.ndim}q", *a.shape))  # TShape: int32 ndim, int64 dims
        out.append(struct.pack("<ii", CPU, 0))  # Context: dev_type, dev_id
        out.append(struct.pack("<i", FLOAT32))
        out.append(a.tobytes())
    out.append(struct.pack("<Q", len(named)))
    for name in named:
        raw = name.encode()
        out.append(struct.pack("<Q", len(raw)) + raw)
    with open(path, "wb") as f:
        f.write(b"".join(out))


def conv2d(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (x.shape[2] - kh) // stride[0] + 1
    ow = (x.shape[3] - kw) // stride[1] + 1
    out = np.zeros((n, f, oh, ow), "float64")
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return out + (b.reshape(1, -1, 1, 1) if b is not None else 0)


def pool2d(x, mode, kernel, stride):
    n, c, h, w = x.shape
    oh = (h - kernel[0]) // stride[0] + 1
    ow = (w - kernel[1]) // stride[1] + 1
    out = np.zeros((n, c, oh, ow), "float64")
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride[0]:i * stride[0] + kernel[0], j * stride[1]:j * stride[1] + kernel[1]]
            out[:, :, i, j] = patch.max(axis=(2, 3)) if mode == "max" else patch.mean(axis=(2, 3))
    return out


def forward(ops, x, rng, params):
    """The symbol graph at inference; draws each op's arguments into params (arg:/aux: names) on first use."""
    def param(kind, name, shape, low=-0.5, high=0.5):
        key = f"{kind}:{name}"
        if key not in params:
            params[key] = rng.uniform(low, high, shape).astype("float32")
        return params[key].astype("float64")

    for op in ops:
        kind = op["op"]
        if kind == "conv":
            w = param("arg", f"{op['name']}_weight", (op["filters"], x.shape[1], *op["kernel"]))
            b = param("arg", f"{op['name']}_bias", (op["filters"],)) if op.get("bias", True) else None
            x = conv2d(x, w, b, op.get("stride", [1, 1]), op.get("pad", [0, 0]))
        elif kind == "bn":
            c = x.shape[1]
            gamma = param("arg", f"{op['name']}_gamma", (c,), 0.5, 1.5)
            beta = param("arg", f"{op['name']}_beta", (c,))
            mean = param("aux", f"{op['name']}_moving_mean", (c,))
            var = param("aux", f"{op['name']}_moving_var", (c,), 0.5, 1.5)
            if op.get("fixGamma", True):  # MXNet's default: gamma is taken as 1
                gamma = np.ones_like(gamma)
            shape = (1, c) + (1,) * (x.ndim - 2)
            x = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + op.get("eps", 1e-3)) * gamma.reshape(shape) + beta.reshape(shape)
        elif kind == "act":
            x = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[op["fn"]](x)
        elif kind == "leaky":
            x = np.where(x > 0, x, op["slope"] * x)
        elif kind == "pool":
            x = pool2d(x, op["mode"], op["kernel"], op["stride"])
        elif kind == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif kind == "fc":  # FullyConnected flattens its input (flatten=True)
            x = x.reshape(x.shape[0], -1)
            w = param("arg", f"{op['name']}_weight", (op["units"], x.shape[1]))
            x = x @ w.T + (param("arg", f"{op['name']}_bias", (op["units"],)) if op.get("bias", True) else 0)
        elif kind == "softmax":
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            x = e / e.sum(axis=-1, keepdims=True)
        else:
            raise ValueError(f"unknown op {kind}")
    return x


def run_torch(case, path, x):
    import torch

    env = {"__name__": "port"}
    exec(compile(case["ports"]["torch"], "port.py", "exec"), env)
    net = env[case["className"]]()
    env["load_weights"](net, path)
    net.eval()
    with torch.no_grad():
        return net(torch.from_numpy(x)).numpy()


def run_keras(case, path, x):
    env = {"__name__": "port"}
    exec(compile(case["ports"]["keras"], "port.py", "exec"), env)
    model = env["build_model"]()
    env["load_weights"](model, path)
    return np.asarray(model(np.moveaxis(x, 1, -1), training=False))


def main():
    cases = json.load(sys.stdin)["cases"]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            rng = np.random.default_rng(case["id"])
            x = rng.uniform(-1, 1, case["input"]).astype("float32")
            params = {}
            want = forward(case["ops"], x.astype("float64"), rng, params)
            path = os.path.join(tmp, f"m{case['id']}-0000.params")
            save_ndarray_list(path, params)
            res = {"id": case["id"]}
            for target, run in (("torch", run_torch), ("keras", run_keras)):
                try:
                    got = run(case, path, x)
                    res[target] = float(np.max(np.abs(got - want))) if got.shape == want.shape else f"shape {got.shape}, want {want.shape}"
                except Exception as e:  # a failing port is a result
                    res[target] = f"{type(e).__name__}: {e}\n{traceback.format_exc()[-1200:]}"
            results.append(res)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
