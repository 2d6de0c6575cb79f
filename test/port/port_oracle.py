"""Oracle for `shapelint port`: runs source models and their ports in the real frameworks.

Reads a JSON list of cases on stdin: {id, direction: "keras->torch" | "torch->keras" | "run", source, port,
weights: bool, timeMajor: bool}. Each source defines `model` (Keras) or a model object `model` (PyTorch); each
port defines `load_weights` when `weights` is set and a builder (the port's class `Net` for
PyTorch, `build_model()` for Keras). Prints {results: [{id, sourceShape, portShape,
sourceParams, portParams, maxDiff, error}]}: output shapes and parameter counts of both, and with
weights the largest absolute difference of their outputs on the same random input. "run" runs
only the port (a source MXNet cannot run here) and reports its printed shape and parameters;
"library" ports a library model with its weights (`library_weights`).
With timeMajor (a PyTorch source that reads (time, batch, ...)), the Keras port, batch-major
only, reads the data with those axes swapped and its output is swapped back.
"""
import contextlib
import io
import json
import os
import re
import sys
import tempfile
import traceback

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import keras  # noqa: E402


def to_channels_first(x):
    return np.moveaxis(x, -1, 1) if x.ndim >= 3 else x


def to_channels_last(x):
    return np.moveaxis(x, 1, -1) if x.ndim >= 3 else x


def make_input(shape, int_high):
    if int_high:
        return np.random.randint(0, int_high, size=shape).astype("int64")
    return np.random.rand(*shape).astype("float32")


def randomise_keras_stats(model):
    """Random scales, offsets and moving statistics for every BatchNormalization (nested ones too)."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            randomise_keras_stats(layer)
        elif isinstance(layer, keras.layers.BatchNormalization):
            layer.set_weights([np.random.uniform(0.5, 1.5, w.shape).astype("float32") for w in layer.get_weights()])


def randomise_torch_stats(model):
    """Random scales, offsets and running statistics for every BatchNorm (at any depth)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 1.5)
                if m.affine:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-1, 1)


def keras_to_torch(case, tmp):
    env = {}
    exec(compile(case["source"], "source.py", "exec"), env)
    src = env["model"]
    if case.get("randomStats"):
        randomise_keras_stats(src)
    port_env = {"__name__": "port"}
    exec(compile(case["port"], "port.py", "exec"), port_env)
    net = port_env[case["className"]]()
    net.eval()
    shape = [2] + list(src.input_shape[1:])
    x = make_input(shape, case.get("intHigh"))
    y_src = np.asarray(src(x, training=False))
    out = {"sourceParams": int(src.count_params()), "portParams": int(sum(p.numel() for p in net.parameters())),
           "sourceTrainable": int(sum(np.prod(w.shape) for w in src.trainable_weights))}
    xt = x if case.get("intHigh") or not case.get("channelsFirstInput") else to_channels_first(x)
    if case["weights"]:
        path = os.path.join(tmp, f"m{case['id']}.keras")
        src.save(path)
        port_env["load_weights"](net, path)
    with torch.no_grad():
        y_port = net(torch.from_numpy(np.ascontiguousarray(xt))).numpy()
    out["sourceShape"] = list(y_src.shape)
    out["portShape"] = list(y_port.shape)
    if case["weights"]:
        y_cmp = to_channels_last(y_port) if case.get("channelsFirstOutput") else y_port
        out["maxDiff"] = float(np.max(np.abs(y_cmp - y_src))) if y_cmp.shape == y_src.shape else None
    return out


def torch_to_keras(case, tmp):
    env = {"__name__": "source"}
    exec(compile(case["source"], "source.py", "exec"), env)
    src = env["model"]
    src.eval()
    if case.get("randomStats"):
        randomise_torch_stats(src)
    port_env = {"__name__": "port"}
    exec(compile(case["port"], "port.py", "exec"), port_env)
    net = port_env["build_model"]()
    # A time-major source reads (time, batch, ...): its given shape is used as is.
    shape = list(case["inputShape"]) if case.get("timeMajor") else [2] + list(case["inputShape"][1:])
    x = make_input(shape, case.get("intHigh"))
    with torch.no_grad():
        y_src = src(torch.from_numpy(x)).numpy()
    out = {"sourceParams": int(sum(p.numel() for p in src.parameters())), "portParams": int(net.count_params()),
           "portTrainable": int(sum(np.prod(w.shape) for w in net.trainable_weights))}
    xk = x if case.get("intHigh") or not case.get("channelsFirstInput") else to_channels_last(x)
    if case.get("timeMajor"):
        xk = np.swapaxes(x, 0, 1)
    declared = tuple(net.inputs[0].shape[1:])
    if len(declared) != xk.ndim - 1 or any(d is not None and d != n for d, n in zip(declared, xk.shape[1:])):
        raise ValueError(f"the port declares its input (None, {declared}), the data it is fed is {xk.shape}")
    if case["weights"]:
        path = os.path.join(tmp, f"m{case['id']}.pt")
        torch.save(src.state_dict(), path)
        port_env["load_weights"](net, path)
    y_port = np.asarray(net(xk, training=False))
    if case.get("timeMajor"):
        y_port = np.swapaxes(y_port, 0, 1)  # back to (time, batch, ...), as the port's comment says
    out["sourceShape"] = list(y_src.shape)
    out["portShape"] = list(y_port.shape)
    if case["weights"]:
        y_cmp = to_channels_first(y_port) if case.get("channelsFirstOutput") else y_port
        out["maxDiff"] = float(np.max(np.abs(y_cmp - y_src))) if y_cmp.shape == y_src.shape else None
    return out


def run_port(case, tmp):
    """Runs the port as a script: its __main__ block prints the output shape and the parameter count."""
    if "torchvision" in case["port"]:
        allow_torchvision()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(case["port"], "port.py", "exec"), {"__name__": "__main__"})
    text = out.getvalue()
    shape = re.search(r"output shape: \(([^)]*)\)", text)
    params = re.search(r"parameters: (\d+)", text)
    return {"portShape": [int(d) for d in shape.group(1).split(",") if d.strip()], "portParams": int(params.group(1))}


def allow_torchvision():
    """The oracle's torchvision wheel registers compiled ops this torch build lacks; the model
    definitions are plain Python and need none of them."""
    import torch.library
    torch.library.register_fake = lambda *a, **k: (lambda f: f)


def library_weights(case, tmp):
    """A library model (torchvision or keras.applications) and its port to the other library, the
    source's saved weights (BatchNorm statistics randomised) loaded by the port's load_weights:
    both outputs on one image."""
    allow_torchvision()
    env = {"__name__": "source"}
    exec(compile(case["source"], "source.py", "exec"), env)
    src = env["model"]
    port_env = {"__name__": "port"}
    exec(compile(case["port"], "port.py", "exec"), port_env)
    net = port_env["build_model"]()
    x = np.random.rand(*case["inputShape"]).astype("float32")  # channels first
    if isinstance(src, torch.nn.Module):
        src.eval()
        randomise_torch_stats(src)
        path = os.path.join(tmp, "library.pt")
        torch.save(src.state_dict(), path)
        port_env["load_weights"](net, path)
        with torch.no_grad():
            y_src = src(torch.from_numpy(x)).numpy()
        y_port = np.asarray(net(to_channels_last(x), training=False))
        params = (sum(p.numel() for p in src.parameters()), net.count_params())
    else:
        randomise_keras_stats(src)
        path = os.path.join(tmp, "library.keras")
        src.save(path)
        port_env["load_weights"](net, path)
        net.eval()
        y_src = np.asarray(src(to_channels_last(x), training=False))
        with torch.no_grad():
            y_port = net(torch.from_numpy(x)).numpy()
        params = (src.count_params(), sum(p.numel() for p in net.parameters()))
    os.remove(path)
    return {"sourceShape": list(y_src.shape), "portShape": list(y_port.shape), "sourceParams": int(params[0]), "portParams": int(params[1]),
            "maxDiff": float(np.max(np.abs(y_port - y_src))), "sourceScale": float(np.max(np.abs(y_src)))}


RUNS = {"keras->torch": keras_to_torch, "torch->keras": torch_to_keras, "run": run_port, "library": library_weights}


def main():
    cases = json.load(sys.stdin)
    results = []
    np.random.seed(0)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            try:
                res = RUNS[case["direction"]](case, tmp)
            except Exception as e:  # a failing case is a result, not a crash of the batch
                res = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-1500:]}
            res["id"] = case["id"]
            results.append(res)
            if len(results) % 100 == 0:
                keras.backend.clear_session()
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
