"""Shape stubs of torchvision.models' classification models (torchvision 0.28).

Each family is one self-contained file written from its paper and torchvision's documentation;
parameter counts equal the published ones (docs/library-models.md). `get_model(name, **config)`
builds a model by its lower-case name, as torchvision's registry does.
"""
from .alexnet import *
from .convnext import *
from .densenet import *
from .efficientnet import *
from .googlenet import *
from .inception import *
from .maxvit import *
from .mnasnet import *
from .mobilenetv2 import *
from .mobilenetv3 import *
from .regnet import *
from .resnet import *
from .shufflenetv2 import *
from .squeezenet import *
from .swin_transformer import *
from .vgg import *
from .vision_transformer import *

_MODELS = {
    "alexnet": alexnet,
    "convnext_tiny": convnext_tiny, "convnext_small": convnext_small, "convnext_base": convnext_base, "convnext_large": convnext_large,
    "densenet121": densenet121, "densenet161": densenet161, "densenet169": densenet169, "densenet201": densenet201,
    "efficientnet_b0": efficientnet_b0, "efficientnet_b1": efficientnet_b1, "efficientnet_b2": efficientnet_b2,
    "efficientnet_b3": efficientnet_b3, "efficientnet_b4": efficientnet_b4, "efficientnet_b5": efficientnet_b5,
    "efficientnet_b6": efficientnet_b6, "efficientnet_b7": efficientnet_b7,
    "efficientnet_v2_s": efficientnet_v2_s, "efficientnet_v2_m": efficientnet_v2_m, "efficientnet_v2_l": efficientnet_v2_l,
    "googlenet": googlenet, "inception_v3": inception_v3, "maxvit_t": maxvit_t,
    "mnasnet0_5": mnasnet0_5, "mnasnet0_75": mnasnet0_75, "mnasnet1_0": mnasnet1_0, "mnasnet1_3": mnasnet1_3,
    "mobilenet_v2": mobilenet_v2, "mobilenet_v3_large": mobilenet_v3_large, "mobilenet_v3_small": mobilenet_v3_small,
    "regnet_y_400mf": regnet_y_400mf, "regnet_y_800mf": regnet_y_800mf, "regnet_y_1_6gf": regnet_y_1_6gf,
    "regnet_y_3_2gf": regnet_y_3_2gf, "regnet_y_8gf": regnet_y_8gf, "regnet_y_16gf": regnet_y_16gf,
    "regnet_y_32gf": regnet_y_32gf, "regnet_y_128gf": regnet_y_128gf,
    "regnet_x_400mf": regnet_x_400mf, "regnet_x_800mf": regnet_x_800mf, "regnet_x_1_6gf": regnet_x_1_6gf,
    "regnet_x_3_2gf": regnet_x_3_2gf, "regnet_x_8gf": regnet_x_8gf, "regnet_x_16gf": regnet_x_16gf, "regnet_x_32gf": regnet_x_32gf,
    "resnet18": resnet18, "resnet34": resnet34, "resnet50": resnet50, "resnet101": resnet101, "resnet152": resnet152,
    "resnext50_32x4d": resnext50_32x4d, "resnext101_32x8d": resnext101_32x8d, "resnext101_64x4d": resnext101_64x4d,
    "wide_resnet50_2": wide_resnet50_2, "wide_resnet101_2": wide_resnet101_2,
    "shufflenet_v2_x0_5": shufflenet_v2_x0_5, "shufflenet_v2_x1_0": shufflenet_v2_x1_0,
    "shufflenet_v2_x1_5": shufflenet_v2_x1_5, "shufflenet_v2_x2_0": shufflenet_v2_x2_0,
    "squeezenet1_0": squeezenet1_0, "squeezenet1_1": squeezenet1_1,
    "swin_t": swin_t, "swin_s": swin_s, "swin_b": swin_b, "swin_v2_t": swin_v2_t, "swin_v2_s": swin_v2_s, "swin_v2_b": swin_v2_b,
    "vgg11": vgg11, "vgg11_bn": vgg11_bn, "vgg13": vgg13, "vgg13_bn": vgg13_bn,
    "vgg16": vgg16, "vgg16_bn": vgg16_bn, "vgg19": vgg19, "vgg19_bn": vgg19_bn,
    "vit_b_16": vit_b_16, "vit_b_32": vit_b_32, "vit_l_16": vit_l_16, "vit_l_32": vit_l_32, "vit_h_14": vit_h_14,
}


def list_models(module=None, include=None, exclude=None):
    return sorted(_MODELS.keys())


def get_model(name, **config):
    name = name.lower()
    if name not in _MODELS:
        raise ValueError(f"Unknown model {name}")
    return _MODELS[name](**config)
