"""Shape stub: keras.applications EfficientNetV2B0-B3, S, M and L.

Architecture from Tan & Le, "EfficientNetV2: Smaller Models and Faster Training" (2021):
stages of Fused-MBConv blocks (a full 3x3 expansion convolution, or one 3x3 convolution when
the expansion is 1) then MBConv blocks with squeeze-and-excitation (ratio 0.25 of the block's
input width), the stage tables of the paper and its official configurations (S table 4;
B0-B3, M, L), widths rounded to multiples of 8 and depths rounded up, a 1x1 convolution to
1280 (scaled) and a Dense head. B variants normalise with the ImageNet statistics first (a
Normalization with fixed mean and variance), S/M/L rescale to [-1, 1]. Argument checks and
messages as in Keras 3.
"""
import math

import keras
from keras import layers

from ._common import check_imagenet_classes, image_data_format, input_tensor_or_new, obtain_input_shape, dropout_classifier_head

__all__ = [
    "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
    "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L",
]

# (fused, repeats, filters in, filters out, expansion, squeeze-excite ratio, stride) per stage.
_B = [(True, 1, 32, 16, 1, 0, 1), (True, 2, 16, 32, 4, 0, 2), (True, 2, 32, 48, 4, 0, 2),
      (False, 3, 48, 96, 4, 0.25, 2), (False, 5, 96, 112, 6, 0.25, 1), (False, 8, 112, 192, 6, 0.25, 2)]
_S = [(True, 2, 24, 24, 1, 0, 1), (True, 4, 24, 48, 4, 0, 2), (True, 4, 48, 64, 4, 0, 2),
      (False, 6, 64, 128, 4, 0.25, 2), (False, 9, 128, 160, 6, 0.25, 1), (False, 15, 160, 256, 6, 0.25, 2)]
_M = [(True, 3, 24, 24, 1, 0, 1), (True, 5, 24, 48, 4, 0, 2), (True, 5, 48, 80, 4, 0, 2),
      (False, 7, 80, 160, 4, 0.25, 2), (False, 14, 160, 176, 6, 0.25, 1), (False, 18, 176, 304, 6, 0.25, 2),
      (False, 5, 304, 512, 6, 0.25, 1)]
_L = [(True, 4, 32, 32, 1, 0, 1), (True, 7, 32, 64, 4, 0, 2), (True, 7, 64, 96, 4, 0, 2),
      (False, 10, 96, 192, 4, 0.25, 2), (False, 19, 192, 224, 6, 0.25, 1), (False, 25, 224, 384, 6, 0.25, 2),
      (False, 7, 384, 640, 6, 0.25, 1)]


def _round_filters(filters, width):
    filters = filters * width
    return int(max(8, int(filters + 4) // 8 * 8))


def _bn(x, ax):
    return layers.BatchNormalization(axis=ax, momentum=0.9)(x)


def _squeeze_excite(x, filters, filters_in, ratio, ax):
    se = layers.GlobalAveragePooling2D()(x)
    se = layers.Reshape((filters, 1, 1) if ax == 1 else (1, 1, filters))(se)
    se = layers.Conv2D(max(1, int(filters_in * ratio)), 1, padding="same", activation="swish")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid")(se)
    return layers.multiply([x, se])


def _block(inputs, fused, filters_in, filters_out, expansion, se_ratio, stride, drop_rate, ax):
    filters = filters_in * expansion
    x = inputs
    if fused:
        if expansion != 1:
            x = layers.Conv2D(filters, kernel_size=3, strides=stride, padding="same", use_bias=False)(x)
            x = layers.Activation("swish")(_bn(x, ax))
    else:
        if expansion != 1:
            x = layers.Conv2D(filters, kernel_size=1, strides=1, padding="same", use_bias=False)(x)
            x = layers.Activation("swish")(_bn(x, ax))
        x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, padding="same", use_bias=False)(x)
        x = layers.Activation("swish")(_bn(x, ax))
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, filters_in, se_ratio, ax)
    project_kernel, project_stride = (3, stride) if fused and expansion == 1 else (1, 1)
    x = layers.Conv2D(filters_out, kernel_size=project_kernel, strides=project_stride, padding="same", use_bias=False)(x)
    x = _bn(x, ax)
    if fused and expansion == 1:
        x = layers.Activation("swish")(x)
    if stride == 1 and filters_in == filters_out:
        if drop_rate:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1))(x)
        x = layers.add([x, inputs])
    return x


def _efficientnet_v2(stages, width, depth, default_size, dropout_rate, b_variant, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name):
    check_imagenet_classes(weights, include_top, classes, 'If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000')
    data_format = image_data_format()
    input_shape = obtain_input_shape(input_shape, default_size, 32, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 3 if data_format == "channels_last" else 1

    x = img_input
    if include_preprocessing:
        if b_variant and input_shape[ax - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229**2, 0.224**2, 0.225**2], axis=ax)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = layers.Conv2D(_round_filters(stages[0][2], width), kernel_size=3, strides=2, padding="same", use_bias=False)(x)
    x = layers.Activation("swish")(_bn(x, ax))

    total = float(sum(int(math.ceil(depth * stage[1])) for stage in stages))
    b = 0
    for fused, repeats, filters_in, filters_out, expansion, se_ratio, stride in stages:
        filters_in = _round_filters(filters_in, width)
        filters_out = _round_filters(filters_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            if j > 0:
                stride = 1
                filters_in = filters_out
            x = _block(x, fused, filters_in, filters_out, expansion, se_ratio, stride, 0.2 * b / total, ax)
            b += 1

    x = layers.Conv2D(_round_filters(1280, width), kernel_size=1, strides=1, padding="same", use_bias=False)(x)
    x = layers.Activation("swish")(_bn(x, ax))
    x = dropout_classifier_head(x, include_top, pooling, dropout_rate, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)


def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b0"):
    return _efficientnet_v2(_B, 1.0, 1.0, 224, 0.2, True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b1"):
    return _efficientnet_v2(_B, 1.0, 1.1, 240, 0.2, True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b2"):
    return _efficientnet_v2(_B, 1.1, 1.2, 260, 0.3, True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b3"):
    return _efficientnet_v2(_B, 1.2, 1.4, 300, 0.3, True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-s"):
    return _efficientnet_v2(_S, 1.0, 1.0, 384, 0.2, False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-m"):
    return _efficientnet_v2(_M, 1.0, 1.0, 480, 0.2, False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-l"):
    return _efficientnet_v2(_L, 1.0, 1.0, 480, 0.4, False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, name)
