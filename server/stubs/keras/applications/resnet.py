"""Shape stub: keras.applications ResNet50/101/152 (v1) and ResNet50V2/101V2/152V2.

Architecture from He et al., "Deep Residual Learning for Image Recognition" (2015) and
"Identity Mappings in Deep Residual Networks" (2016), as Keras builds them: v1 uses biased
convolutions and the stride in the first 1x1 convolution of a stage; v2 is pre-activation
with the stride in the last block of a stage. Argument checks and messages as in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, classifier_head, image_data_format, input_tensor_or_new, obtain_input_shape

__all__ = ["ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2"]


def _bottleneck_v1(x, filters, bn_axis, stride=1, project=False):
    if project:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride)(x)
        shortcut = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride)(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(filters, 3, padding="same")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(4 * filters, 1)(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
    x = layers.Add()([shortcut, x])
    return layers.Activation("relu")(x)


def _stage_v1(x, filters, blocks, bn_axis, stride=2):
    x = _bottleneck_v1(x, filters, bn_axis, stride=stride, project=True)
    for _ in range(blocks - 1):
        x = _bottleneck_v1(x, filters, bn_axis)
    return x


def _bottleneck_v2(x, filters, bn_axis, stride=1, project=False):
    preact = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
    preact = layers.Activation("relu")(preact)
    if project:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride)(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, use_bias=False)(preact)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False)(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(4 * filters, 1)(x)
    return layers.Add()([shortcut, x])


def _stage_v2(x, filters, blocks, bn_axis, stride=2):
    x = _bottleneck_v2(x, filters, bn_axis, project=True)
    for _ in range(blocks - 2):
        x = _bottleneck_v2(x, filters, bn_axis)
    return _bottleneck_v2(x, filters, bn_axis, stride=stride)


def _resnet(depths, preact, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    check_imagenet_classes(weights, include_top, classes, "If using `weights='imagenet'` with `include_top=True`, " f"`classes` should be 1000.  Received classes={classes}")
    data_format = image_data_format()
    input_shape = obtain_input_shape(input_shape, 224, 32, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    bn_axis = 3 if data_format == "channels_last" else 1

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2)(x)
    if not preact:
        x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
        x = layers.Activation("relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2)(x)
    if preact:
        x = _stage_v2(x, 64, depths[0], bn_axis)
        x = _stage_v2(x, 128, depths[1], bn_axis)
        x = _stage_v2(x, 256, depths[2], bn_axis)
        x = _stage_v2(x, 512, depths[3], bn_axis, stride=1)
        x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
        x = layers.Activation("relu")(x)
    else:
        x = _stage_v1(x, 64, depths[0], bn_axis, stride=1)
        x = _stage_v1(x, 128, depths[1], bn_axis)
        x = _stage_v1(x, 256, depths[2], bn_axis)
        x = _stage_v1(x, 512, depths[3], bn_axis)

    x = classifier_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    return _resnet((3, 4, 6, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    return _resnet((3, 4, 23, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    return _resnet((3, 8, 36, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet50v2"):
    return _resnet((3, 4, 6, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet101v2"):
    return _resnet((3, 4, 23, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet152v2"):
    return _resnet((3, 8, 36, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)
