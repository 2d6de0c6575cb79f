"""Shape stub: keras.applications MobileNet (v1).

Architecture from Howard et al., "MobileNets: Efficient Convolutional Neural Networks for
Mobile Vision Applications" (2017): a 3x3 stride-2 convolution, thirteen depthwise-separable
blocks (widths 64 ... 1024 times `alpha`, four of them strided), ReLU6 after every batch norm;
the classifier is a 1x1 convolution on the pooled features. Argument checks and messages as
in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, image_data_format, input_tensor_or_new, obtain_input_shape, pooled, square_default_size

__all__ = ["MobileNet"]

# (width, stride) of each depthwise-separable block.
_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]


def _separable(x, width, stride, alpha, depth_multiplier, ax):
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)))(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier, strides=(stride, stride), use_bias=False)(x)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.ReLU(6.0)(x)
    x = layers.Conv2D(int(width * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1))(x)
    x = layers.BatchNormalization(axis=ax)(x)
    return layers.ReLU(6.0)(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    check_imagenet_classes(weights, include_top, classes, "If using `weights='imagenet'` with `include_top=True`, " f"`classes` should be 1000.  Received classes={classes}")
    data_format = image_data_format()
    default_size = square_default_size(input_shape, data_format, (128, 160, 192, 224))
    input_shape = obtain_input_shape(input_shape, default_size, 32, data_format, include_top, weights)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(f"If imagenet weights are being loaded, depth multiplier must be 1.  Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError(f"If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or `1.0` only.  Received alpha={alpha}")
    img_input = input_tensor_or_new(input_tensor, input_shape)
    ax = 1 if data_format == "channels_first" else -1

    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2))(img_input)
    x = layers.BatchNormalization(axis=ax)(x)
    x = layers.ReLU(6.0)(x)
    for width, stride in _BLOCKS:
        x = _separable(x, width, stride, alpha, depth_multiplier, ax)

    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout)(x)
        x = layers.Conv2D(classes, (1, 1), padding="same")(x)
        x = layers.Reshape((classes,))(x)
        x = layers.Activation(activation=classifier_activation)(x)
    else:
        x = pooled(x, pooling)
    return keras.Model(img_input, x, name=name)
