"""Shape stubs of gluoncv.model_zoo: get_model for the families stubbed so far.

A name without a stub gives an unknown model (GluonCV's own error for an unknown name lists
several hundred models, which a stub does not reproduce), never an error.
"""
from .action_recognition import *

_MODELS = {
    "c3d_kinetics400": c3d_kinetics400,
    "vgg16_ucf101": vgg16_ucf101,
    "vgg16_hmdb51": vgg16_hmdb51,
    "vgg16_kinetics400": vgg16_kinetics400,
    "vgg16_sthsthv2": vgg16_sthsthv2,
}


def get_model(name, **kwargs):
    """Returns a pre-defined model by name, as GluonCV's get_model does."""
    name = name.lower()
    if name in _MODELS:
        return _MODELS[name](**kwargs)
    return None
