"""Shape stub: keras.applications Xception.

Architecture from Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions"
(2017): an entry flow of two convolutions and three separable-convolution modules with
strided 1x1 shortcuts (128, 256, 728 channels), a middle flow of eight residual modules of
three 728-channel separable convolutions, and an exit flow to 1024, 1536 and 2048 channels;
unbiased convolutions, each followed by batch norm. 299 px by default, at least 71.
Argument checks and messages as in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, classifier_head, image_data_format, input_tensor_or_new, obtain_input_shape

__all__ = ["Xception"]


def _sep_bn(x, filters, ax, relu_first=True):
    if relu_first:
        x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=ax)(x)


def _strided_module(x, first, second, ax, relu_first=True):
    residual = layers.Conv2D(second, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=ax)(residual)
    x = _sep_bn(x, first, ax, relu_first)
    x = _sep_bn(x, second, ax)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    check_imagenet_classes(weights, include_top, classes, "If using `weights='imagenet'` with `include_top=True`, " f"`classes` should be 1000.  Received classes={classes}")
    data_format = image_data_format()
    input_shape = obtain_input_shape(input_shape, 299, 71, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 1 if data_format == "channels_first" else -1

    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False)(img_input)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.Activation("relu")(x)
    x = _strided_module(x, 128, 128, ax, relu_first=False)
    x = _strided_module(x, 256, 256, ax)
    x = _strided_module(x, 728, 728, ax)
    for _ in range(8):
        residual = x
        for _ in range(3):
            x = _sep_bn(x, 728, ax)
        x = layers.add([x, residual])
    x = _strided_module(x, 728, 1024, ax)
    x = layers.SeparableConv2D(1536, (3, 3), padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(2048, (3, 3), padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.Activation("relu")(x)
    x = classifier_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)
