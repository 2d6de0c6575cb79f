"""Shape stub: keras.applications InceptionV3.

Architecture from Szegedy et al., "Rethinking the Inception Architecture for Computer Vision"
(2015), as Keras builds it: every convolution is unbiased and followed by a batch norm
without scale and a ReLU; three 35x35 modules, a grid reduction, four 17x17 modules with
factorised 7x7 convolutions, a second reduction and two 8x8 modules. 299 px by default, at
least 75. Argument checks and messages as in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, classifier_head, image_data_format, input_tensor_or_new, obtain_input_shape

__all__ = ["InceptionV3"]


def _conv_bn(x, filters, rows, cols, bn_axis, padding="same", strides=(1, 1)):
    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=bn_axis, scale=False)(x)
    return layers.Activation("relu")(x)


def _avg_pool_branch(x, filters, bn_axis):
    branch = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return _conv_bn(branch, filters, 1, 1, bn_axis)


def _module_35(x, pool_filters, ax):
    b1 = _conv_bn(x, 64, 1, 1, ax)
    b5 = _conv_bn(_conv_bn(x, 48, 1, 1, ax), 64, 5, 5, ax)
    b3 = _conv_bn(_conv_bn(_conv_bn(x, 64, 1, 1, ax), 96, 3, 3, ax), 96, 3, 3, ax)
    return layers.concatenate([b1, b5, b3, _avg_pool_branch(x, pool_filters, ax)], axis=ax)


def _module_17(x, c, ax):
    b1 = _conv_bn(x, 192, 1, 1, ax)
    b7 = _conv_bn(_conv_bn(_conv_bn(x, c, 1, 1, ax), c, 1, 7, ax), 192, 7, 1, ax)
    d = _conv_bn(x, c, 1, 1, ax)
    d = _conv_bn(_conv_bn(d, c, 7, 1, ax), c, 1, 7, ax)
    d = _conv_bn(_conv_bn(d, c, 7, 1, ax), 192, 1, 7, ax)
    return layers.concatenate([b1, b7, d, _avg_pool_branch(x, 192, ax)], axis=ax)


def _module_8(x, ax):
    b1 = _conv_bn(x, 320, 1, 1, ax)
    b3 = _conv_bn(x, 384, 1, 1, ax)
    b3 = layers.concatenate([_conv_bn(b3, 384, 1, 3, ax), _conv_bn(b3, 384, 3, 1, ax)], axis=ax)
    d = _conv_bn(_conv_bn(x, 448, 1, 1, ax), 384, 3, 3, ax)
    d = layers.concatenate([_conv_bn(d, 384, 1, 3, ax), _conv_bn(d, 384, 3, 1, ax)], axis=ax)
    return layers.concatenate([b1, b3, d, _avg_pool_branch(x, 192, ax)], axis=ax)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="inception_v3"):
    check_imagenet_classes(weights, include_top, classes, 'If using `weights="imagenet"` with `include_top=True`, ' f"`classes` should be 1000. Received classes={classes}")
    data_format = image_data_format()
    input_shape = obtain_input_shape(input_shape, 299, 75, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 1 if data_format == "channels_first" else 3

    x = _conv_bn(img_input, 32, 3, 3, ax, strides=(2, 2), padding="valid")
    x = _conv_bn(x, 32, 3, 3, ax, padding="valid")
    x = _conv_bn(x, 64, 3, 3, ax)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _conv_bn(x, 80, 1, 1, ax, padding="valid")
    x = _conv_bn(x, 192, 3, 3, ax, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for pool_filters in (32, 64, 64):
        x = _module_35(x, pool_filters, ax)

    b3 = _conv_bn(x, 384, 3, 3, ax, strides=(2, 2), padding="valid")
    d = _conv_bn(_conv_bn(x, 64, 1, 1, ax), 96, 3, 3, ax)
    d = _conv_bn(d, 96, 3, 3, ax, strides=(2, 2), padding="valid")
    x = layers.concatenate([b3, d, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=ax)
    for c in (128, 160, 160, 192):
        x = _module_17(x, c, ax)

    b3 = _conv_bn(_conv_bn(x, 192, 1, 1, ax), 320, 3, 3, ax, strides=(2, 2), padding="valid")
    b7 = _conv_bn(_conv_bn(_conv_bn(x, 192, 1, 1, ax), 192, 1, 7, ax), 192, 7, 1, ax)
    b7 = _conv_bn(b7, 192, 3, 3, ax, strides=(2, 2), padding="valid")
    x = layers.concatenate([b3, b7, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=ax)
    for _ in range(2):
        x = _module_8(x, ax)

    x = classifier_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)
