"""Shape stub: keras.applications VGG16 and VGG19.

Architecture from Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale
Image Recognition" (2014), configurations D and E: 3x3 same-padded convolutions with ReLU in
five blocks, each closed by a 2x2 max pool, then two 4096-unit dense layers. Argument checks
and messages as in Keras 3.
"""
import keras
from keras import layers

from ._common import check_imagenet_classes, image_data_format, pooled, input_tensor_or_new, obtain_input_shape

__all__ = ["VGG16", "VGG19"]


def _vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    check_imagenet_classes(weights, include_top, classes, "If using `weights='imagenet'` with `include_top=True`, " f"`classes` should be 1000.  Received classes={classes}")
    input_shape = obtain_input_shape(input_shape, 224, 32, image_data_format(), include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    x = img_input
    for filters, convs in zip((64, 128, 256, 512, 512), convs_per_block):
        for _ in range(convs):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2))(x)
    if include_top:
        x = layers.Flatten()(x)
        x = layers.Dense(4096, activation="relu")(x)
        x = layers.Dense(4096, activation="relu")(x)
        x = layers.Dense(classes, activation=classifier_activation)(x)
    else:
        x = pooled(x, pooling)
    return keras.Model(img_input, x, name=name)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    return _vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    return _vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)
