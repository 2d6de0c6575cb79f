"""Lists the names of `keras.layers` in the installed Keras for the coverage report.

Prints JSON (sorted, stable) with:
- `layers`: classes that are Keras layers and whose output shape follows from their arguments
  and inputs (the shape-relevant ones the catalogue should know);
- `functions`: the functional forms (`Input`, `add`, `concatenate`, `dot`, ...);
- `excluded`: the other names, each with why it does not count;
- `legacyOnly`: Keras 2 layers Keras 3 keeps only in its internal legacy module.

Usage: python keras_layers_list.py > test/oracle/keras-layers.json
"""
import importlib
import inspect
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

EXCLUDED = {
    "Layer": "base class of user-defined layers",
    "Wrapper": "base class of wrapper layers",
    "FlaxLayer": "wraps a Flax module: its shapes are that module's",
    "JaxLayer": "wraps a JAX function: its shapes are that function's",
    "TorchModuleWrapper": "wraps a PyTorch module: its shapes are that module's",
    "TFSMLayer": "loads a TensorFlow SavedModel: its shapes are in the saved file",
    "serialize": "serialization helper",
    "deserialize": "serialization helper",
}


def main():
    layers, functions, excluded = [], [], {}
    for name in sorted(n for n in dir(keras.layers) if not n.startswith("_")):
        obj = getattr(keras.layers, name)
        if name in EXCLUDED:
            excluded[name] = EXCLUDED[name]
        elif inspect.isclass(obj):
            if issubclass(obj, keras.layers.Layer):
                layers.append(name)
            else:
                excluded[name] = "not a layer"
        else:
            functions.append(name)
    legacy = importlib.import_module("keras.src.legacy.layers")
    legacy_only = sorted(
        n for n, o in vars(legacy).items()
        if inspect.isclass(o) and issubclass(o, keras.layers.Layer) and o.__module__ == legacy.__name__
        and not hasattr(keras.layers, n)
    )
    out = {"keras": keras.__version__, "layers": layers, "functions": functions, "excluded": excluded,
           "legacyOnly": legacy_only}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
