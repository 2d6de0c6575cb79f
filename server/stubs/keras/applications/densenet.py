"""Shape stub: keras.applications DenseNet121, DenseNet169 and DenseNet201.

Architecture from Huang et al., "Densely Connected Convolutional Networks" (2017), DenseNet-BC
as Keras builds it: a 7x7 stride-2 stem and max pool, four dense blocks of (BN, ReLU, 1x1
conv to 128, BN, ReLU, 3x3 conv to 32) layers concatenated onto their input, with transition
layers halving the channels and the size between them. Keras builds DenseNet channels-last
only. Argument checks and messages as in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, classifier_head, image_data_format, input_tensor_or_new, obtain_input_shape

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201"]

_GROWTH = 32


def _dense_layer(x):
    y = layers.BatchNormalization(axis=3, epsilon=1.001e-5)(x)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(4 * _GROWTH, 1, use_bias=False)(y)
    y = layers.BatchNormalization(axis=3, epsilon=1.001e-5)(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(_GROWTH, 3, padding="same", use_bias=False)(y)
    return layers.Concatenate(axis=3)([x, y])


def _transition(x):
    x = layers.BatchNormalization(axis=3, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(int(x.shape[3] * 0.5), 1, use_bias=False)(x)
    return layers.AveragePooling2D(2, strides=2)(x)


def _densenet(blocks, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    data_format = image_data_format()
    if data_format == "channels_first":
        raise ValueError(
            "DenseNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` by editing your local config file at ~/.keras/keras.json"
        )
    check_imagenet_classes(weights, include_top, classes, 'If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000')
    input_shape = obtain_input_shape(input_shape, 224, 32, data_format, include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False)(x)
    x = layers.BatchNormalization(axis=3, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2)(x)
    for i, count in enumerate(blocks):
        for _ in range(count):
            x = _dense_layer(x)
        if i < len(blocks) - 1:
            x = _transition(x)
    x = layers.BatchNormalization(axis=3, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    x = classifier_head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name=name)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="densenet121"):
    return _densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="densenet169"):
    return _densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="densenet201"):
    return _densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)
