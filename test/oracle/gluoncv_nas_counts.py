"""Parameter counts, in real Keras, of the networks GluonCV's NASNet stubs share layers with.

Keras counts each batch norm's moving mean and variance among a model's parameters, as Gluon
does. GluonCV builds every NASNet with a 96-filter stem (Keras' NASNetMobile has 32) and names
them nasnet_<cells per stack>_<penultimate filters>; 1538 is no multiple of 96, which Keras
requires, but 1538 // 24 == 1536 // 24, so the cells are the same. Prints one JSON object:
  nasnet_R_P: Keras' NASNet(penultimate_filters=P, num_blocks=R, stem_block_filters=96) with
  1000 classes, without GluonCV's auxiliary head;
  nasnet_mobile: Keras' NASNetMobile (32-filter stem), the published 5.3M.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")
from keras.src.applications import nasnet  # noqa: E402


def keras_nasnet(penultimate, repeat, stem):
    model = nasnet.NASNet(input_shape=(224, 224, 3), penultimate_filters=penultimate, num_blocks=repeat,
                          stem_block_filters=stem, skip_reduction=False, filter_multiplier=2, include_top=True,
                          weights=None, classes=1000, default_size=224)
    return model.count_params()


counts = {
    "nasnet_4_1056": keras_nasnet(1056, 4, 96),
    "nasnet_5_1538": keras_nasnet(1536, 5, 96),
    "nasnet_7_1920": keras_nasnet(1920, 7, 96),
    "nasnet_6_4032": keras_nasnet(4032, 6, 96),
    "nasnet_mobile": keras_nasnet(1056, 4, 32),
}
print(json.dumps(counts))
