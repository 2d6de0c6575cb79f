"""Shape stubs of keras.applications: the models' architectures and Keras 3's argument checks.

Each family is one module; this package re-exports them as Keras does.
"""
from .convnext import *
from .densenet import *
from .efficientnet import *
from .efficientnet_v2 import *
from .inception_resnet_v2 import *
from .inception_v3 import *
from .mobilenet import *
from .mobilenet_v2 import *
from .mobilenet_v3 import *
from .nasnet import *
from .resnet import *
from .vgg import *
from .xception import *
