"""Shape stub: the input checks every keras.applications model makes before it builds.

Written from the behaviour and the error messages of Keras 3 (keras.applications'
``obtain_input_shape``); shapelint reports a ``raise`` reached here with known arguments at
the user's call.
"""
import keras


def image_data_format():
    return keras.config.image_data_format()


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The input shape the model is built for, after Keras' checks of ``input_shape``."""
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        if channels_first:
            default_shape = (input_shape[0], default_size, default_size)
        else:
            default_shape = (default_size, default_size, input_shape[-1])
    elif channels_first:
        default_shape = (3, default_size, default_size)
    else:
        default_shape = (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[0] if channels_first else input_shape[-1]
        rows, cols = (input_shape[1], input_shape[2]) if channels_first else (input_shape[0], input_shape[1])
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    elif channels_first:
        input_shape = (3, None, None)
    else:
        input_shape = (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def check_imagenet_classes(weights, include_top, classes, message):
    """The ImageNet head has 1000 classes; each family words the error its own way."""
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(message)


def input_tensor_or_new(input_tensor, input_shape):
    """``input_tensor`` when given (Keras wraps a non-Keras tensor in an Input of that shape)."""
    if input_tensor is None:
        return keras.layers.Input(shape=input_shape)
    return input_tensor


def classifier_head(x, include_top, pooling, classes, classifier_activation):
    """The top every application ends with: average pool and Dense, or the chosen pooling."""
    if include_top:
        x = keras.layers.GlobalAveragePooling2D()(x)
        return keras.layers.Dense(classes, activation=classifier_activation)(x)
    return pooled(x, pooling)


def dropout_classifier_head(x, include_top, pooling, dropout_rate, classes, classifier_activation):
    """The EfficientNets' top: average pool, dropout and Dense, or the chosen pooling."""
    if not include_top:
        return pooled(x, pooling)
    x = keras.layers.GlobalAveragePooling2D()(x)
    if dropout_rate > 0:
        x = keras.layers.Dropout(dropout_rate)(x)
    return keras.layers.Dense(classes, activation=classifier_activation)(x)


def pooled(x, pooling):
    """The optional pooling of a model without its top."""
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D()(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D()(x)
    return x


def correct_pad(x, kernel_size, channels_first, rows_declared):
    """Padding before a strided convolution with 'valid' padding: one less before an even size.

    Keras reads the height from the tensor, which is None all the way down when the declared
    input height (``rows_declared``) is None.
    """
    size = x.shape[2:4] if channels_first else x.shape[1:3]
    correct = kernel_size // 2
    if rows_declared is None:
        return ((correct - 1, correct), (correct - 1, correct))
    return ((correct - (1 - size[0] % 2), correct), (correct - (1 - size[1] % 2), correct))


def declared_rows(input_shape, data_format):
    """The input height the model was declared with (None when Keras does not know it)."""
    return input_shape[1] if data_format == "channels_first" else input_shape[0]


def square_default_size(input_shape, data_format, sizes):
    """The MobileNets' default size: the declared one when square and pretrained at that size."""
    if input_shape is None:
        return 224
    rows, cols = (input_shape[1], input_shape[2]) if data_format == "channels_first" else (input_shape[0], input_shape[1])
    if rows == cols and rows in sizes:
        return rows
    return 224
