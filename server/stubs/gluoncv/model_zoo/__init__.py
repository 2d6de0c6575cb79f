"""Shape stubs of gluoncv.model_zoo: get_model for the families stubbed so far (ResNetV1b
classification models and their TSN action-recognition heads; C3D, VGG16 TSN; the CIFAR
ResNets, Wide ResNets and ResNeXts). GluonCV's own copies of the Gluon model zoo's AlexNet, DenseNet, Inception v3,
MobileNet (V1, V2), SqueezeNet and VGG build the same layers as MXNet's, so those names are
built by the Gluon model zoo stubs.

A name without a stub gives an unknown model (GluonCV's own error for an unknown name lists
several hundred models, which a stub does not reproduce), never an error.
"""
from .action_recognition import *
from .i3d_resnet import *
from .mobilenetv3 import *
from .r2plus1d import *
from .resnext import *
from .slowfast import *
from .resnetv1b import *
from .resnet import *
from .darknet import *
from .resnest import *
from .xception import *
from .p3d import *
from .inception_action import *
from .cifarresnet import *
from .cifarwideresnet import *
from .cifarresnext import *
from mxnet.gluon.model_zoo import vision as _gluon_vision
# Residual Attention Networks (issue 9).
from .residual_attentionnet import *
# ShuffleNet (V1 g=3, V2 1x)
from .shufflenet import *
# NASNet, SENet-154, ResNeXt 101e, GoogLeNet and GroupNorm ResNets (gcvnas).
from .nasnet import *
from .senet import *
from .googlenet import *

_MODELS = {
    "c3d_kinetics400": c3d_kinetics400,
    "vgg16_ucf101": vgg16_ucf101,
    "vgg16_hmdb51": vgg16_hmdb51,
    "vgg16_kinetics400": vgg16_kinetics400,
    "vgg16_sthsthv2": vgg16_sthsthv2,
    "i3d_resnet50_v1_kinetics400": i3d_resnet50_v1_kinetics400, "i3d_resnet101_v1_kinetics400": i3d_resnet101_v1_kinetics400,
    "i3d_resnet50_v1_sthsthv2": i3d_resnet50_v1_sthsthv2, "i3d_resnet50_v1_hmdb51": i3d_resnet50_v1_hmdb51,
    "i3d_resnet50_v1_ucf101": i3d_resnet50_v1_ucf101,
    "i3d_nl5_resnet50_v1_kinetics400": i3d_nl5_resnet50_v1_kinetics400, "i3d_nl10_resnet50_v1_kinetics400": i3d_nl10_resnet50_v1_kinetics400,
    "i3d_nl5_resnet101_v1_kinetics400": i3d_nl5_resnet101_v1_kinetics400, "i3d_nl10_resnet101_v1_kinetics400": i3d_nl10_resnet101_v1_kinetics400,
    "resnext50_32x4d": resnext50_32x4d, "resnext101_32x4d": resnext101_32x4d, "resnext101_64x4d": resnext101_64x4d,
    "se_resnext50_32x4d": se_resnext50_32x4d, "se_resnext101_32x4d": se_resnext101_32x4d, "se_resnext101_64x4d": se_resnext101_64x4d,
    "mobilenetv3_large": mobilenet_v3_large, "mobilenetv3_small": mobilenet_v3_small,
    "slowfast_4x16_resnet50_kinetics400": slowfast_4x16_resnet50_kinetics400,
    "slowfast_8x8_resnet50_kinetics400": slowfast_8x8_resnet50_kinetics400,
    "slowfast_8x8_resnet101_kinetics400": slowfast_8x8_resnet101_kinetics400,
    "slowfast_16x8_resnet101_kinetics400": slowfast_16x8_resnet101_kinetics400,
    "slowfast_16x8_resnet101_50_50_kinetics400": slowfast_16x8_resnet101_50_50_kinetics400,
    "r2plus1d_resnet18_kinetics400": r2plus1d_resnet18_kinetics400, "r2plus1d_resnet34_kinetics400": r2plus1d_resnet34_kinetics400,
    "resnet18_v1b": resnet18_v1b, "resnet34_v1b": resnet34_v1b, "resnet50_v1b": resnet50_v1b,
    "resnet101_v1b": resnet101_v1b, "resnet152_v1b": resnet152_v1b, "resnet50_v1c": resnet50_v1c,
    "resnet101_v1c": resnet101_v1c, "resnet152_v1c": resnet152_v1c, "resnet50_v1d": resnet50_v1d,
    "resnet101_v1d": resnet101_v1d, "resnet152_v1d": resnet152_v1d, "resnet50_v1e": resnet50_v1e,
    "resnet101_v1e": resnet101_v1e, "resnet152_v1e": resnet152_v1e, "resnet50_v1s": resnet50_v1s,
    "resnet101_v1s": resnet101_v1s, "resnet152_v1s": resnet152_v1s, "resnet18_v1b_kinetics400": resnet18_v1b_kinetics400,
    "resnet34_v1b_kinetics400": resnet34_v1b_kinetics400, "resnet50_v1b_kinetics400": resnet50_v1b_kinetics400, "resnet101_v1b_kinetics400": resnet101_v1b_kinetics400,
    "resnet152_v1b_kinetics400": resnet152_v1b_kinetics400, "resnet18_v1b_sthsthv2": resnet18_v1b_sthsthv2, "resnet34_v1b_sthsthv2": resnet34_v1b_sthsthv2,
    "resnet50_v1b_sthsthv2": resnet50_v1b_sthsthv2, "resnet101_v1b_sthsthv2": resnet101_v1b_sthsthv2, "resnet152_v1b_sthsthv2": resnet152_v1b_sthsthv2,
    "resnet50_v1b_hmdb51": resnet50_v1b_hmdb51,
    "resnet18_v1": resnet18_v1, "resnet34_v1": resnet34_v1, "resnet50_v1": resnet50_v1, "resnet101_v1": resnet101_v1,
    "resnet152_v1": resnet152_v1, "resnet18_v2": resnet18_v2, "resnet34_v2": resnet34_v2, "resnet50_v2": resnet50_v2,
    "resnet101_v2": resnet101_v2, "resnet152_v2": resnet152_v2,
    "se_resnet18_v1": se_resnet18_v1, "se_resnet34_v1": se_resnet34_v1, "se_resnet50_v1": se_resnet50_v1,
    "se_resnet101_v1": se_resnet101_v1, "se_resnet152_v1": se_resnet152_v1, "se_resnet18_v2": se_resnet18_v2,
    "se_resnet34_v2": se_resnet34_v2, "se_resnet50_v2": se_resnet50_v2, "se_resnet101_v2": se_resnet101_v2,
    "se_resnet152_v2": se_resnet152_v2,
    "darknet53": darknet53,
    "resnest14": resnest14, "resnest26": resnest26, "resnest50": resnest50, "resnest101": resnest101,
    "resnest200": resnest200, "resnest269": resnest269,
    "xception": get_xcetption, "xception71": get_xcetption_71,
    "p3d_resnet50_kinetics400": p3d_resnet50_kinetics400, "p3d_resnet101_kinetics400": p3d_resnet101_kinetics400,
    "inceptionv1_kinetics400": inceptionv1_kinetics400, "inceptionv1_ucf101": inceptionv1_ucf101, "inceptionv1_hmdb51": inceptionv1_hmdb51,
    "inceptionv1_sthsthv2": inceptionv1_sthsthv2, "i3d_inceptionv1_kinetics400": i3d_inceptionv1_kinetics400,
    "inceptionv3_kinetics400": inceptionv3_kinetics400, "inceptionv3_ucf101": inceptionv3_ucf101, "inceptionv3_hmdb51": inceptionv3_hmdb51,
    "inceptionv3_sthsthv2": inceptionv3_sthsthv2, "i3d_inceptionv3_kinetics400": i3d_inceptionv3_kinetics400,
    "cifar_resnet20_v1": cifar_resnet20_v1, "cifar_resnet56_v1": cifar_resnet56_v1, "cifar_resnet110_v1": cifar_resnet110_v1,
    "cifar_resnet20_v2": cifar_resnet20_v2, "cifar_resnet56_v2": cifar_resnet56_v2, "cifar_resnet110_v2": cifar_resnet110_v2,
    "cifar_wideresnet16_10": cifar_wideresnet16_10, "cifar_wideresnet28_10": cifar_wideresnet28_10, "cifar_wideresnet40_8": cifar_wideresnet40_8,
    "cifar_resnext29_32x4d": cifar_resnext29_32x4d, "cifar_resnext29_16x64d": cifar_resnext29_16x64d,
}
# ShuffleNet (V1 g=3, V2 1x)
_MODELS.update({"shufflenet_v1": shufflenet_v1, "shufflenet_v2": shufflenet_v2})

# NASNet, SENet-154, ResNeXt 101e, GoogLeNet and GroupNorm ResNets (gcvnas).
_MODELS.update({
    "nasnet_4_1056": nasnet_4_1056, "nasnet_5_1538": nasnet_5_1538, "nasnet_7_1920": nasnet_7_1920,
    "nasnet_6_4032": nasnet_6_4032,
    "senet_154": senet_154, "senet_154e": senet_154e,
    "resnext101e_64x4d": resnext101e_64x4d, "resnext101b_64x4d": resnext101e_64x4d, "se_resnext101e_64x4d": se_resnext101e_64x4d,
    "googlenet": googlenet,
    "resnet50_v1b_gn": resnet50_v1b_gn, "resnet101_v1b_gn": resnet101_v1b_gn,
})

# GluonCV's alexnet.py, densenet.py, inception.py, mobilenet.py, squeezenet.py and vgg.py define
# the Gluon model zoo's architectures under the same names.
_GLUON_ZOO_NAMES = (
    "alexnet", "densenet121", "densenet161", "densenet169", "densenet201", "inceptionv3",
    "mobilenet1.0", "mobilenet0.75", "mobilenet0.5", "mobilenet0.25",
    "mobilenetv2_1.0", "mobilenetv2_0.75", "mobilenetv2_0.5", "mobilenetv2_0.25",
    "squeezenet1.0", "squeezenet1.1",
    "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
)


def get_model(name, **kwargs):
    """Returns a pre-defined model by name, as GluonCV's get_model does."""
    name = name.lower()
    if name in _MODELS:
        return _MODELS[name](**kwargs)
    if name in _GLUON_ZOO_NAMES:
        return _gluon_vision.get_model(name, **kwargs)
    return None


# Pruned ResNets (gcvprune): GluonCV's resnetv1b_pruned.py names.
from .resnetv1b_pruned import *

_MODELS.update({
    "resnet18_v1b_0.89": resnet18_v1b_89, "resnet50_v1d_0.86": resnet50_v1d_86, "resnet50_v1d_0.48": resnet50_v1d_48,
    "resnet50_v1d_0.37": resnet50_v1d_37, "resnet50_v1d_0.11": resnet50_v1d_11, "resnet101_v1d_0.76": resnet101_v1d_76,
    "resnet101_v1d_0.73": resnet101_v1d_73,
})

# Remaining action-recognition names (gcvprune): the fine-tuning `_custom` models, TSN on UCF101,
# R(2+1)D on bottlenecks, SlowFast 4x16 on ResNet-101 and the slow-only I3D of i3d_slow.py.
_MODELS.update({
    "i3d_resnet50_v1_custom": i3d_resnet50_v1_custom, "slowfast_4x16_resnet50_custom": slowfast_4x16_resnet50_custom,
    "resnet50_v1b_custom": resnet50_v1b_custom, "resnet18_v1b_custom": resnet18_v1b_custom, "resnet50_v1b_ucf101": resnet50_v1b_ucf101,
    "r2plus1d_resnet50_kinetics400": r2plus1d_resnet50_kinetics400, "r2plus1d_resnet101_kinetics400": r2plus1d_resnet101_kinetics400,
    "r2plus1d_resnet152_kinetics400": r2plus1d_resnet152_kinetics400, "slowfast_4x16_resnet101_kinetics400": slowfast_4x16_resnet101_kinetics400,
    "i3d_slow_resnet101_f16s4_kinetics700": i3d_slow_resnet101_f16s4_kinetics700,
})

# HRNet classifiers and DLA-34 (hrnet.py, dla.py).
from .hrnet import *
from .dla import *

_MODELS.update({
    "hrnet_w18_small_v1_c": hrnet_w18_small_v1_c, "hrnet_w18_small_v2_c": hrnet_w18_small_v2_c, "hrnet_w18_c": hrnet_w18_c,
    "hrnet_w30_c": hrnet_w30_c, "hrnet_w32_c": hrnet_w32_c, "hrnet_w40_c": hrnet_w40_c, "hrnet_w44_c": hrnet_w44_c,
    "hrnet_w48_c": hrnet_w48_c, "hrnet_w64_c": hrnet_w64_c,
    "dla34": dla34,
})

# Residual Attention Networks (issue 9).
_MODELS.update({
    "residualattentionnet56": residualattentionnet56, "residualattentionnet92": residualattentionnet92,
    "residualattentionnet128": residualattentionnet128, "residualattentionnet164": residualattentionnet164,
    "residualattentionnet200": residualattentionnet200, "residualattentionnet236": residualattentionnet236,
    "residualattentionnet452": residualattentionnet452, "cifar_residualattentionnet56": cifar_residualattentionnet56,
    "cifar_residualattentionnet92": cifar_residualattentionnet92, "cifar_residualattentionnet452": cifar_residualattentionnet452,
})
