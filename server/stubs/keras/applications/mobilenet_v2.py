"""Shape stub: keras.applications MobileNetV2.

Architecture from Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks"
(2018), as Keras builds it: a 3x3 stride-2 stem, seventeen inverted residual blocks
(expansion 1 then 6; widths 16, 24, 32, 64, 96, 160, 320 scaled by `alpha` and rounded to
multiples of 8), a 1x1 convolution to 1280 channels (more when alpha > 1), ReLU6 throughout
and a residual add where the block keeps its width and stride 1. Argument checks and
messages as in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, classifier_head, correct_pad, declared_rows, square_default_size, image_data_format, input_tensor_or_new, obtain_input_shape

__all__ = ["MobileNetV2"]

# (width, stride, expansion) of each inverted residual block.
_BLOCKS = [
    (16, 1, 1),
    (24, 2, 6), (24, 1, 6),
    (32, 2, 6), (32, 1, 6), (32, 1, 6),
    (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
    (96, 1, 6), (96, 1, 6), (96, 1, 6),
    (160, 2, 6), (160, 1, 6), (160, 1, 6),
    (320, 1, 6),
]


def _make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _inverted_residual(inputs, width, stride, expansion, alpha, first, ax, rows_declared):
    in_channels = inputs.shape[ax]
    out_channels = _make_divisible(int(width * alpha), 8)
    x = inputs
    if not first:
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
        x = layers.ReLU(6.0)(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, 3, ax == 1, rows_declared))(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid")(x)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    x = layers.ReLU(6.0)(x)
    x = layers.Conv2D(out_channels, 1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    if in_channels == out_channels and stride == 1:
        return layers.Add()([inputs, x])
    return x


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    check_imagenet_classes(weights, include_top, classes, 'If using `weights="imagenet"` with `include_top` ' f"as true, `classes` should be 1000. Received `classes={classes}`")
    data_format = image_data_format()
    default_size = square_default_size(input_shape, data_format, (96, 128, 160, 192, 224))
    input_shape = obtain_input_shape(input_shape, default_size, 32, data_format, include_top, weights)
    if weights == "imagenet" and alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
        raise ValueError(
            "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, "
            f"`1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
        )
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 1 if data_format == "channels_first" else -1
    rows_declared = declared_rows(input_shape, data_format)

    x = layers.Conv2D(_make_divisible(32 * alpha, 8), 3, strides=(2, 2), padding="same", use_bias=False)(img_input)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    x = layers.ReLU(6.0)(x)
    first = True
    for width, stride, expansion in _BLOCKS:
        x = _inverted_residual(x, width, stride, expansion, alpha, first, ax, rows_declared)
        first = False
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, 1, use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    x = layers.ReLU(6.0)(x)

    x = classifier_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)
