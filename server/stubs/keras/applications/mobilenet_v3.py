"""Shape stub: keras.applications MobileNetV3Small and MobileNetV3Large.

Architecture from Howard et al., "Searching for MobileNetV3" (2019), tables 1 and 2, as Keras
builds it: Rescaling to [-1, 1], a 3x3 stride-2 convolution to 16 channels, the inverted
residual blocks of each table (expansion, width, kernel, stride, squeeze-and-excitation,
ReLU or hard-swish), a 1x1 convolution to six times the last width, and a head of global
pooling, a biased 1x1 convolution (1024 or 1280), dropout and a 1x1 convolution to the
classes. `minimalistic` drops squeeze-and-excitation, 5x5 kernels and hard-swish. Argument
checks and messages as in Keras 3 (MobileNetV3 checks its input size itself).
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, correct_pad, declared_rows, image_data_format, input_tensor_or_new, pooled

__all__ = ["MobileNetV3Small", "MobileNetV3Large"]

# (expansion, width, kernel or None for the model's, stride, squeeze-excite, hard-swish) per block.
_SMALL = [
    (1, 16, 3, 2, True, False), (72.0 / 16, 24, 3, 2, False, False), (88.0 / 24, 24, 3, 1, False, False),
    (4, 40, None, 2, True, True), (6, 40, None, 1, True, True), (6, 40, None, 1, True, True),
    (3, 48, None, 1, True, True), (3, 48, None, 1, True, True),
    (6, 96, None, 2, True, True), (6, 96, None, 1, True, True), (6, 96, None, 1, True, True),
]
_LARGE = [
    (1, 16, 3, 1, False, False), (4, 24, 3, 2, False, False), (3, 24, 3, 1, False, False),
    (3, 40, None, 2, True, False), (3, 40, None, 1, True, False), (3, 40, None, 1, True, False),
    (6, 80, 3, 2, False, True), (2.5, 80, 3, 1, False, True), (2.3, 80, 3, 1, False, True), (2.3, 80, 3, 1, False, True),
    (6, 112, 3, 1, True, True), (6, 112, 3, 1, True, True),
    (6, 160, None, 2, True, True), (6, 160, None, 1, True, True), (6, 160, None, 1, True, True),
]


def _depth(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _activate(x, hard_swish):
    if hard_swish:
        return layers.Multiply()([x, _hard_sigmoid(x)])
    return layers.ReLU()(x)


def _squeeze_excite(inputs, filters):
    x = layers.GlobalAveragePooling2D(keepdims=True)(inputs)
    x = layers.Conv2D(_depth(filters * 0.25), kernel_size=1, padding="same")(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same")(x)
    return layers.Multiply()([inputs, _hard_sigmoid(x)])


def _inverted_residual(x, expansion, width, kernel, stride, se, hard_swish, first, ax, rows_declared):
    shortcut = x
    in_channels = x.shape[ax]
    expanded = _depth(in_channels * expansion)
    if not first:
        x = layers.Conv2D(expanded, kernel_size=1, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
        x = _activate(x, hard_swish)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel, ax == 1, rows_declared))(x)
    x = layers.DepthwiseConv2D(kernel, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    x = _activate(x, hard_swish)
    if se:
        x = _squeeze_excite(x, expanded)
    x = layers.Conv2D(width, kernel_size=1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    if stride == 1 and in_channels == width:
        x = layers.Add()([shortcut, x])
    return x


def _mobilenet_v3(blocks, last_point_ch, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name):
    check_imagenet_classes(weights, include_top, classes, 'If using `weights="imagenet"` with `include_top` ' f"as true, `classes` should be 1000.  Received classes={classes}")
    data_format = image_data_format()
    if input_shape is None and input_tensor is None:
        input_shape = (None, None, 3) if data_format == "channels_last" else (3, None, None)
    rows = declared_rows(input_shape, data_format)
    cols = input_shape[1] if data_format == "channels_last" else input_shape[2]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet" and ((not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0)):
        raise ValueError(
            "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non minimalistic "
            "or `1.0` for minimalistic only."
        )
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 1 if data_format == "channels_first" else -1

    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    x = _activate(x, not minimalistic)
    first = True
    for expansion, width, kernel, stride, se, hard_swish in blocks:
        own_kernel = kernel if kernel is not None else (3 if minimalistic else 5)
        x = _inverted_residual(x, expansion, _depth(width * alpha), own_kernel, stride, se and not minimalistic, hard_swish and not minimalistic, first, ax, rows)
        first = False
    last_conv_ch = _depth(x.shape[ax] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax, epsilon=1e-3, momentum=0.999)(x)
    x = _activate(x, not minimalistic)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True)(x)
        x = _activate(x, not minimalistic)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(activation=classifier_activation)(x)
    else:
        x = pooled(x, pooling)
    return keras.Model(img_input, x, name=name)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    return _mobilenet_v3(_SMALL, 1024, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    return _mobilenet_v3(_LARGE, 1280, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name)
