"""Shape stub: keras.applications NASNetMobile and NASNetLarge.

Architecture from Zoph et al., "Learning Transferable Architectures for Scalable Image
Recognition" (2018), the NASNet-A normal and reduction cells of its figure 4, as Keras 3 builds
them: a 3x3/2 stem convolution, two reduction cells, then three stacks of N normal cells with a
reduction cell between them, the filters doubling at each reduction (`penultimate_filters // 24`
in the first stack). Each cell first brings the previous cell's output to its own map size and
width (two strided 1x1 average-pool paths concatenated, or a 1x1 projection); its branches are
pairs of ReLU-separable-convolution-batch-norm blocks, average and max pools, summed in pairs
and concatenated. NASNetMobile is NASNet (4 @ 1056) with a 32-filter stem at 224 px;
NASNetLarge is NASNet (6 @ 4032) with a 96-filter stem at 331 px, keeping the previous cell's
output across reductions (`skip_reduction`). Channels-last only; inputs of at least 32 px.
Argument checks and messages as in Keras 3.
"""
import keras
from keras import layers
from ._common import check_imagenet_classes, correct_pad, image_data_format, input_tensor_or_new, obtain_input_shape, pooled

__all__ = ["NASNetMobile", "NASNetLarge"]


def _bn(x):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3)(x)


def _separable_block(x, filters, kernel_size, strides, rows):
    """ReLU, separable convolution (strided after Keras' correcting pad), batch norm, twice."""
    x = layers.Activation("relu")(x)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size[0], False, rows))(x)
        x = layers.SeparableConv2D(filters, kernel_size, strides=strides, padding="valid", use_bias=False)(x)
    else:
        x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False)(x)
    x = _bn(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False)(x)
    return _bn(x)


def _adjust(p, ip, filters):
    """The previous cell's output `p` brought to `ip`'s width (axis -2) and to `filters` channels."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid")(p)
        p1 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False)(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid")(p2)
        p2 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False)(p2)
        return _bn(layers.concatenate([p1, p2], axis=-1))
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False)(p)
        return _bn(p)
    return p


def _squeeze(ip, filters):
    h = layers.Activation("relu")(ip)
    h = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False)(h)
    return _bn(h)


def _normal_cell(ip, p, filters, rows):
    p = _adjust(p, ip, filters)
    h = _squeeze(ip, filters)
    x1 = layers.add([_separable_block(h, filters, (5, 5), (1, 1), rows), _separable_block(p, filters, (3, 3), (1, 1), rows)])
    x2 = layers.add([_separable_block(p, filters, (5, 5), (1, 1), rows), _separable_block(p, filters, (3, 3), (1, 1), rows)])
    x3 = layers.add([layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(h), p])
    x4 = layers.add([layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(p),
                     layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(p)])
    x5 = layers.add([_separable_block(h, filters, (3, 3), (1, 1), rows), h])
    return layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1), ip


def _reduction_cell(ip, p, filters, rows):
    p = _adjust(p, ip, filters)
    h = _squeeze(ip, filters)
    h3 = layers.ZeroPadding2D(padding=correct_pad(h, 3, False, rows))(h)
    x1 = layers.add([_separable_block(h, filters, (5, 5), (2, 2), rows), _separable_block(p, filters, (7, 7), (2, 2), rows)])
    x2 = layers.add([layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid")(h3), _separable_block(p, filters, (7, 7), (2, 2), rows)])
    x3 = layers.add([layers.AveragePooling2D((3, 3), strides=(2, 2), padding="valid")(h3), _separable_block(p, filters, (5, 5), (2, 2), rows)])
    x4 = layers.add([x2, layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x1)])
    x5 = layers.add([_separable_block(x1, filters, (3, 3), (1, 1), rows), layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid")(h3)])
    return layers.concatenate([x2, x3, x4, x5], axis=-1), ip


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96, skip_reduction=True, filter_multiplier=2,
           include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, default_size=None,
           classifier_activation="softmax", name="NASNet"):
    if image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data "
            "format. Switch to `channels_last` by editing your local "
            "config file at ~/.keras/keras.json"
        )
    check_imagenet_classes(weights, include_top, classes, 'If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000')
    # Keras asks isinstance(input_shape, tuple); a tuple equals its tuple() copy, a list does not.
    if input_shape is not None and input_shape == tuple(input_shape) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading "
            "`ImageNet` weights, the input_shape argument must be static"
            f" (no None entries). Got: `input_shape={input_shape}`."
        )
    if default_size is None:
        default_size = 331
    input_shape = obtain_input_shape(input_shape, default_size, 32, "channels_last", include_top, weights)
    img_input = input_tensor_or_new(input_tensor, input_shape)
    if penultimate_filters % (24 * (filter_multiplier**2)) != 0:
        raise ValueError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple "
            "of 24 * (`filter_multiplier` ** 2). "
            f"Current value: {penultimate_filters}"
        )
    rows = input_shape[0]
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False)(img_input)
    x = _bn(x)
    p = None
    x, p = _reduction_cell(x, p, filters // (filter_multiplier**2), rows)
    x, p = _reduction_cell(x, p, filters // filter_multiplier, rows)
    for stack in range(3):
        width = filters * filter_multiplier**stack
        if stack > 0:
            x, p0 = _reduction_cell(x, p, width, rows)
            p = p if skip_reduction else p0
        for _ in range(num_blocks):
            x, p = _normal_cell(x, p, width, rows)
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation)(x)
    else:
        x = pooled(x, pooling)
    return keras.Model(img_input, x, name=name)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000,
                 classifier_activation="softmax", name="nasnet_mobile"):
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, 1056, 4, 32, False, 2, include_top, weights, input_tensor, pooling, classes, 224, classifier_activation, name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax", name="nasnet_large"):
    return NASNet(input_shape, 4032, 6, 96, True, 2, include_top, weights, input_tensor, pooling, classes, 331, classifier_activation, name)
