"""Shape stub: keras.applications ConvNeXtTiny, Small, Base, Large and XLarge.

Architecture from Liu et al., "A ConvNet for the 2020s" (2022): a 4x4 stride-4 patchify stem
with layer norm, four stages (depths 3-3-9-3 for Tiny, 3-3-27-3 otherwise; widths 96 to 768,
128 to 1024, 192 to 1536, 256 to 2048) of blocks (7x7 depthwise convolution, layer norm,
pointwise MLP with 4x expansion, per-channel layer scale, residual add), with layer norm and
a 2x2 stride-2 convolution between stages. Keras normalises the ImageNet mean and variance
first (a Normalization with fixed statistics) and builds ConvNeXt channels-last only.
Argument checks and messages as in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, image_data_format, input_tensor_or_new, obtain_input_shape

__all__ = ["ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge"]


def _block(x, dim):
    y = layers.Conv2D(filters=dim, kernel_size=7, padding="same", groups=dim)(x)
    y = layers.LayerNormalization(epsilon=1e-6)(y)
    y = layers.Dense(4 * dim)(y)
    y = layers.Activation("gelu")(y)
    y = layers.Dense(dim)(y)
    # Keras' LayerScale: one learned factor per channel, the same as a 1x1 depthwise kernel.
    y = layers.DepthwiseConv2D(1, use_bias=False)(y)
    return layers.add([x, y])


def _convnext(depths, dims, default_size, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    data_format = image_data_format()
    if data_format == "channels_first":
        raise ValueError(
            "ConvNeXt does not support the `channels_first` image data format. Switch to "
            "`channels_last` by editing your local config file at ~/.keras/keras.json"
        )
    check_imagenet_classes(weights, include_top, classes, 'If using `weights="imagenet"` with `include_top=True`, ' f"`classes` should be 1000. Received classes={classes}")
    input_shape = obtain_input_shape(input_shape, default_size, 32, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    x = img_input
    if include_preprocessing and input_shape[2] == 3:
        x = layers.Normalization(
            mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
            variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
        )(x)
    x = layers.Conv2D(dims[0], kernel_size=4, strides=4)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    for i in range(4):
        if i > 0:
            x = layers.LayerNormalization(epsilon=1e-6)(x)
            x = layers.Conv2D(dims[i], kernel_size=2, strides=2)(x)
        for _ in range(depths[i]):
            x = _block(x, dims[i])

    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
        x = layers.Dense(classes, activation=classifier_activation)(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    return keras.Model(img_input, x, name=name)


def ConvNeXtTiny(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_tiny"):
    return _convnext((3, 3, 9, 3), (96, 192, 384, 768), 224, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ConvNeXtSmall(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_small"):
    return _convnext((3, 3, 27, 3), (96, 192, 384, 768), 224, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ConvNeXtBase(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_base"):
    return _convnext((3, 3, 27, 3), (128, 256, 512, 1024), 224, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ConvNeXtLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_large"):
    return _convnext((3, 3, 27, 3), (192, 384, 768, 1536), 224, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ConvNeXtXLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_xlarge"):
    return _convnext((3, 3, 27, 3), (256, 512, 1024, 2048), 224, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)
