"""Shape stub: keras.applications EfficientNetB0 to EfficientNetB7.

Architecture from Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks" (2019): the B0 baseline of seven stages of MBConv blocks with squeeze-and-excitation
(ratio 0.25), widths and depths scaled per variant (width, depth, resolution, dropout:
B0 1.0/1.0/224/0.2 ... B7 2.0/3.1/600/0.5), widths rounded to multiples of 8 and depths
rounded up. Keras puts Rescaling(1/255) and a Normalization layer first. Argument checks and
messages as in Keras 3.
"""
import math

import keras
from keras import layers

from ._common import check_imagenet_classes, correct_pad, declared_rows, image_data_format, input_tensor_or_new, obtain_input_shape, dropout_classifier_head

__all__ = [
    "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
    "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
]

# (kernel, repeats, filters in, filters out, expansion, stride) of each stage of B0.
_STAGES = [
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
]


def _round_filters(filters, width):
    filters = filters * width
    new = max(8, int(filters + 4) // 8 * 8)
    if new < 0.9 * filters:
        new += 8
    return int(new)


def _mbconv(inputs, filters_in, filters_out, kernel, stride, expansion, drop_rate, ax, rows_declared):
    filters = filters_in * expansion
    x = inputs
    if expansion != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(axis=ax)(x)
        x = layers.Activation("swish")(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel, ax == 1, rows_declared))(x)
    x = layers.DepthwiseConv2D(kernel, strides=stride, padding="valid" if stride == 2 else "same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.Activation("swish")(x)
    se = layers.GlobalAveragePooling2D()(x)
    se = layers.Reshape((filters, 1, 1) if ax == 1 else (1, 1, filters))(se)
    se = layers.Conv2D(max(1, int(filters_in * 0.25)), 1, padding="same", activation="swish")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid")(se)
    x = layers.multiply([x, se])
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    if stride == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1))(x)
        x = layers.add([x, inputs])
    return x


def _efficientnet(width, depth, default_size, dropout_rate, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    check_imagenet_classes(weights, include_top, classes, 'If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000')
    data_format = image_data_format()
    input_shape = obtain_input_shape(input_shape, default_size, 32, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 3 if data_format == "channels_last" else 1
    rows_declared = declared_rows(input_shape, data_format)

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=ax)(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(0.229), 1.0 / math.sqrt(0.224), 1.0 / math.sqrt(0.225)])(x)
    x = layers.ZeroPadding2D(padding=correct_pad(x, 3, ax == 1, rows_declared))(x)
    x = layers.Conv2D(_round_filters(32, width), 3, strides=2, padding="valid", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.Activation("swish")(x)

    total = float(sum(int(math.ceil(depth * stage[1])) for stage in _STAGES))
    b = 0
    for kernel, repeats, filters_in, filters_out, expansion, stride in _STAGES:
        filters_in = _round_filters(filters_in, width)
        filters_out = _round_filters(filters_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            if j > 0:
                stride = 1
                filters_in = filters_out
            x = _mbconv(x, filters_in, filters_out, kernel, stride, expansion, 0.2 * b / total, ax, rows_declared)
            b += 1

    x = layers.Conv2D(_round_filters(1280, width), 1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.Activation("swish")(x)
    x = dropout_classifier_head(x, include_top, pooling, dropout_rate, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)


def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb0"):
    return _efficientnet(1.0, 1.0, 224, 0.2, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def EfficientNetB1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb1"):
    return _efficientnet(1.0, 1.1, 240, 0.2, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def EfficientNetB2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb2"):
    return _efficientnet(1.1, 1.2, 260, 0.3, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def EfficientNetB3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb3"):
    return _efficientnet(1.2, 1.4, 300, 0.3, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def EfficientNetB4(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb4"):
    return _efficientnet(1.4, 1.8, 380, 0.4, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def EfficientNetB5(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb5"):
    return _efficientnet(1.6, 2.2, 456, 0.4, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def EfficientNetB6(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb6"):
    return _efficientnet(1.8, 2.6, 528, 0.5, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def EfficientNetB7(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb7"):
    return _efficientnet(2.0, 3.1, 600, 0.5, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)
