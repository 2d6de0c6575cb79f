import { defineRule } from './rule';

export const targetMismatch = defineRule({
  code: 'SL009',
  name: 'target-mismatch',
  severity: 'error',
  summary: "A model's output and its target do not fit the loss.",
  whatItDoes:
    'Checks each loss where the prediction meets the target: PyTorch losses as modules and functions ' +
    '(`CrossEntropyLoss`/`NLLLoss` class indices or probabilities, `BCELoss`/`BCEWithLogitsLoss`, `MSELoss` and the other ' +
    'regression losses, `KLDivLoss`, `MarginRankingLoss`, `CosineEmbeddingLoss` (one +1/-1 target per pair of rows), `CTCLoss` lengths against the (T, N, C) batch), Keras `compile(loss=...)` with `fit`/`evaluate`/`train_on_batch` and `validation_data` ' +
    '(single and multi-output models, loss objects and `keras.losses` functions such as `categorical_crossentropy(y_true, y_pred)` called directly, ' +
    'as in a `tf.GradientTape` loop) and Gluon losses (`SoftmaxCrossEntropyLoss` with ' +
    '`sparse_label`, `SigmoidBinaryCrossEntropyLoss`, `L1Loss`/`L2Loss`, `KLDivLoss`, `CTCLoss` with its layouts and lengths), and MXNet symbol heads (`SoftmaxOutput` with ' +
    '`multi_output`, `LinearRegressionOutput`, `LogisticRegressionOutput`, `MAERegressionOutput`) against the label shapes of ' +
    '`Module.bind(label_shapes=...)` or an iterator\'s `provide_label` in `Module.fit`. Shapes and dtypes come from the code; ' +
    'an unknown shape or dtype says nothing.',
  whyBad:
    'The framework raises at the first training step (`Expected input batch_size (64) to match target batch_size (32).`, ' +
    '`0D or 1D target tensor expected, multi-target not supported`, `Target size (torch.Size([32])) must be the same as input ' +
    'size (torch.Size([32, 1]))`, Keras `Arguments target and output must have the same rank (ndim)`), or, worse, PyTorch ' +
    'only warns (`Using a target size ... that is different to the input size`) and trains on a broadcast loss that ' +
    'compares every prediction with every target. Reported at the loss or `fit` call as a warning when the framework only warns. ' +
    'Keras words these errors differently per version: Keras 3 as above, tf.keras 2 `Shapes (None, 1) and (None, 10) are incompatible`, ' +
    'Keras 2.0–2.3 `Error when checking target: expected dense_2 to have shape (10,) but got array with shape (1,)`, Keras 1 ' +
    '`Error when checking model target: …`; the message is the likeliest version\'s and the explanation quotes the others. ' +
    'When the versions the code may run on (the `keras-version` setting, the project\'s pins, what the code shows) disagree, ' +
    'it is a warning that names the versions that fail and those that accept it (Keras 3 and tf.keras 2 broadcast `(N, 1)` labels against an ' +
    '`(N, 10)` mean-squared-error output; Keras 2.0–2.3 reject them before training). tf.keras 2 is checked for categorical ' +
    'crossentropy and the elementwise losses (`Dimensions must be equal, but are 10 and 3 for \'{{node …}}\' with input shapes: ' +
    '[?,10], [?,3].` inside `fit`, `Incompatible shapes: [32,10] vs. [32,3]` called directly); for binary and sparse crossentropy only ' +
    'what it surely accepts is known (equal shapes; one class index per prediction), so a mismatch there is not checked on tf.keras 2.',
  example: [
    '```python',
    'model.compile(loss="categorical_crossentropy", optimizer="adam")  # labels are class indices (N,)',
    'model.fit(x_train, y_train)',
    'loss = nn.BCEWithLogitsLoss()(model(x), y)  # output (N, 1), target (N,)',
    '```',
  ].join('\n'),
  fix:
    'Match the loss to the labels (`sparse_categorical_crossentropy` for class indices, `categorical_crossentropy` for one-hot; ' +
    'Gluon `sparse_label=False` for one-hot), one-hot encode integer class indices with `to_categorical(y, C)` where the output\'s ' +
    'class axis C is known, or give the target the output\'s shape (`.squeeze(1)`, `.unsqueeze(1)`, `.view(-1)`).',
  fixSafety:
    'Offered as unsafe fixes where one is certain: they change what the code trains on, so a human should confirm them. ' +
    '`to_categorical` is offered only for integer labels, spelled as the file already imports Keras. The reverse, `argmax` of ' +
    'one-hot labels for a sparse loss, is never offered: soft or mixed-up labels would silently lose their meaning, so the fix there is the loss name.',
});
