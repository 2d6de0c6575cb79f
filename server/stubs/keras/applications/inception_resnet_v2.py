"""Shape stub: keras.applications InceptionResNetV2.

Architecture from Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual
Connections on Learning" (2016), as Keras builds it: the Inception stem, 10 Inception-ResNet-A
blocks (35x35, 320 channels, residual scale 0.17), reduction A, 20 B blocks (17x17, 1088,
scale 0.1), reduction B, 10 C blocks (8x8, 2080, scale 0.2; the last linear), and a 1x1
convolution to 1536. Unbiased convolutions with scale-free batch norm; each block's 1x1
projection is biased. 299 px by default, at least 75. Argument checks and messages as in
Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, classifier_head, image_data_format, input_tensor_or_new, obtain_input_shape

__all__ = ["InceptionResNetV2"]


def _conv_bn(x, filters, kernel, ax, strides=1, padding="same", activation="relu", use_bias=False):
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=use_bias)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=ax, scale=False)(x)
    if activation is not None:
        x = layers.Activation(activation)(x)
    return x


def _residual_block(x, scale, kind, ax, activation="relu"):
    if kind == "block35":
        branches = [
            _conv_bn(x, 32, 1, ax),
            _conv_bn(_conv_bn(x, 32, 1, ax), 32, 3, ax),
            _conv_bn(_conv_bn(_conv_bn(x, 32, 1, ax), 48, 3, ax), 64, 3, ax),
        ]
    elif kind == "block17":
        branches = [_conv_bn(x, 192, 1, ax), _conv_bn(_conv_bn(_conv_bn(x, 128, 1, ax), 160, (1, 7), ax), 192, (7, 1), ax)]
    else:
        branches = [_conv_bn(x, 192, 1, ax), _conv_bn(_conv_bn(_conv_bn(x, 192, 1, ax), 224, (1, 3), ax), 256, (3, 1), ax)]
    mixed = layers.Concatenate(axis=ax)(branches)
    up = _conv_bn(mixed, x.shape[ax], 1, ax, activation=None, use_bias=True)
    # x + scale * up (Keras' parameter-free CustomScaleLayer).
    x = layers.add([x, layers.Rescaling(scale)(up)])
    if activation is not None:
        x = layers.Activation(activation)(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="inception_resnet_v2"):
    check_imagenet_classes(weights, include_top, classes, 'If using `weights="imagenet"` with `include_top=True`, ' f"`classes` should be 1000. Received classes={classes}")
    data_format = image_data_format()
    input_shape = obtain_input_shape(input_shape, 299, 75, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 1 if data_format == "channels_first" else 3

    x = _conv_bn(img_input, 32, 3, ax, strides=2, padding="valid")
    x = _conv_bn(x, 32, 3, ax, padding="valid")
    x = _conv_bn(x, 64, 3, ax)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _conv_bn(x, 80, 1, ax, padding="valid")
    x = _conv_bn(x, 192, 3, ax, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    pool = _conv_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1, ax)
    x = layers.Concatenate(axis=ax)([
        _conv_bn(x, 96, 1, ax),
        _conv_bn(_conv_bn(x, 48, 1, ax), 64, 5, ax),
        _conv_bn(_conv_bn(_conv_bn(x, 64, 1, ax), 96, 3, ax), 96, 3, ax),
        pool,
    ])
    for _ in range(10):
        x = _residual_block(x, 0.17, "block35", ax)

    x = layers.Concatenate(axis=ax)([
        _conv_bn(x, 384, 3, ax, strides=2, padding="valid"),
        _conv_bn(_conv_bn(_conv_bn(x, 256, 1, ax), 256, 3, ax), 384, 3, ax, strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ])
    for _ in range(20):
        x = _residual_block(x, 0.1, "block17", ax)

    x = layers.Concatenate(axis=ax)([
        _conv_bn(_conv_bn(x, 256, 1, ax), 384, 3, ax, strides=2, padding="valid"),
        _conv_bn(_conv_bn(x, 256, 1, ax), 288, 3, ax, strides=2, padding="valid"),
        _conv_bn(_conv_bn(_conv_bn(x, 256, 1, ax), 288, 3, ax), 320, 3, ax, strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ])
    for _ in range(9):
        x = _residual_block(x, 0.2, "block8", ax)
    x = _residual_block(x, 1.0, "block8", ax, activation=None)
    x = _conv_bn(x, 1536, 1, ax)
    x = classifier_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)
