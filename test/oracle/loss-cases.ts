/**
 * Seeded random (output shape, target shape, loss, dtype) cases for the loss oracle, as Python
 * sources that both the real framework and shapelint run. Target shapes are drawn from the
 * ways real code gets them wrong and right: the output's shape, the output without its class
 * axis, one trailing axis of size 1 more or less, another batch size, a random shape.
 */
import { rng } from '../helpers/corpus';

export interface LossCase {
  id: string;
  framework: 'torch' | 'keras';
  source: string;
}

type Pick = <T>(xs: readonly T[]) => T;

function picker(r: () => number): Pick {
  return (xs) => xs[Math.floor(r() * xs.length)];
}

function tuple(dims: number[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** A target shape related to the output's (or not), by one of the usual mistakes. */
function targetShape(out: number[], pick: Pick, r: () => number): number[] {
  const strategies: (() => number[])[] = [
    () => [...out],
    () => (out.length > 1 ? [out[0], ...out.slice(2)] : []),
    () => (out.length > 1 ? [out[0], ...out.slice(2)] : []),
    () => [...out, 1],
    () => (out[out.length - 1] === 1 ? out.slice(0, -1) : [...out.slice(0, -1), 1]),
    () => [pick([2, 3, 4, 6]), ...out.slice(1)],
    () => (out.length > 1 ? [pick([2, 3, 4, 6]), ...out.slice(2)] : [pick([1, 2, 3])]),
    () => Array.from({ length: Math.floor(r() * 4) }, () => pick([1, 2, 3, 4, 5])),
    () => [out[0], 1],
  ];
  return pick(strategies)();
}

function outputShape(pick: Pick, r: () => number): number[] {
  const rank = pick([1, 2, 2, 2, 3, 3, 4]);
  const dims = [pick([2, 3, 4])];
  for (let i = 1; i < rank; i++) dims.push(pick([1, 1, 2, 3, 5]));
  return r() < 0.1 ? [pick([1, 3, 5])] : dims;
}

const TORCH_LOSSES: [string, string][] = [
  ['cross_entropy', 'CrossEntropyLoss'], ['nll_loss', 'NLLLoss'], ['binary_cross_entropy', 'BCELoss'],
  ['binary_cross_entropy_with_logits', 'BCEWithLogitsLoss'], ['mse_loss', 'MSELoss'], ['l1_loss', 'L1Loss'],
  ['smooth_l1_loss', 'SmoothL1Loss'], ['huber_loss', 'HuberLoss'], ['kl_div', 'KLDivLoss'],
];

const TORCH_DTYPES = ['int64', 'int64', 'int32', 'uint8', 'float32', 'float32', 'float64'];

export function torchLossCases(n: number, seed = 10): LossCase[] {
  const r = rng(seed);
  const pick = picker(r);
  return Array.from({ length: n }, (_, i) => {
    const out = outputShape(pick, r);
    let target = targetShape(out, pick, r);
    const [fn, mod] = pick(TORCH_LOSSES);
    const dtype = pick(TORCH_DTYPES);
    // Every tenth case is a margin ranking loss, and every tenth another a cosine embedding loss:
    // two inputs (the second of a related shape) and a target (for cosine, often one per row).
    const ranking = i % 10 === 9;
    const cosine = i % 10 === 4;
    if (cosine && r() < 0.5) target = out.length === 1 ? [] : [out[0]];
    const targetExpr = dtype.startsWith('float') ? `torch.rand(${tuple(target)}, dtype=torch.${dtype})` : `torch.randint(0, 1, ${tuple(target)}, dtype=torch.${dtype})`;
    const pairCall = ranking ? ['F.margin_ranking_loss', 'nn.MarginRankingLoss()'] : ['F.cosine_embedding_loss', 'nn.CosineEmbeddingLoss()'];
    const call = ranking || cosine ? `${r() < 0.5 ? pairCall[0] : pairCall[1]}(out, out2, y)` : r() < 0.5 ? `F.${fn}(out, y)` : `nn.${mod}()(out, y)`;
    const second = ranking || cosine ? [`out2 = torch.rand(${tuple(r() < 0.6 ? out : targetShape(out, pick, r))})`] : [];
    const source = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', `out = torch.rand${tuple(out)}`, ...second, `y = ${ranking ? `torch.rand(${tuple(target)})` : targetExpr}`, `loss = ${call}`, ''].join('\n');
    return { id: `torch-${i}`, framework: 'torch' as const, source };
  });
}

const KERAS_LOSSES = ['CategoricalCrossentropy', 'SparseCategoricalCrossentropy', 'BinaryCrossentropy', 'MeanSquaredError', 'MeanAbsoluteError'];
const COMPILE_NAMES: Record<string, string> = {
  CategoricalCrossentropy: 'categorical_crossentropy', SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  BinaryCrossentropy: 'binary_crossentropy', MeanSquaredError: 'mse', MeanAbsoluteError: 'mae',
};

/** The `keras.losses` function each loss class wraps. */
const FUNCTION_NAMES: Record<string, string> = {
  CategoricalCrossentropy: 'categorical_crossentropy', SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  BinaryCrossentropy: 'binary_crossentropy', MeanSquaredError: 'mean_squared_error', MeanAbsoluteError: 'mean_absolute_error',
};

/** How a case calls its loss on arrays: a loss object, or the function directly (`keras.losses.x` / `tf.keras.losses.x`). */
function kerasCall(loss: string, i: number): { imports: string[]; call: string } {
  if (i % 3 === 1) return { imports: [], call: `keras.losses.${FUNCTION_NAMES[loss]}(y_true, y_pred)` };
  // Under `tf.keras.losses`, Keras 3 spells the elementwise functions `mse`, `mae`.
  const tfName = ({ MeanSquaredError: 'mse', MeanAbsoluteError: 'mae' } as Record<string, string>)[loss] ?? FUNCTION_NAMES[loss];
  if (i % 3 === 2) return { imports: ['import tensorflow as tf'], call: `tf.keras.losses.${tfName}(y_true, y_pred)` };
  return { imports: [], call: `keras.losses.${loss}()(y_true, y_pred)` };
}

/**
 * Keras cases: loss objects and loss functions called directly on arrays, and (every
 * `fitEvery`-th case) `compile` + `fit` on a Dense model.
 */
export function kerasLossCases(n: number, seed = 11, fitEvery = 30): LossCase[] {
  const r = rng(seed);
  const pick = picker(r);
  return Array.from({ length: n }, (_, i) => {
    const loss = pick(KERAS_LOSSES);
    const dtype = pick(['int64', 'float32', 'float32', 'int32']);
    const labels = (s: number[]) => (dtype.startsWith('int') ? `np.zeros(${tuple(s)}, dtype='${dtype}')` : `np.random.rand${tuple(s)}.astype('float32')`);
    // Rank-0 labels take error paths of their own in Keras (an IndexError): left out, and silent in shapelint.
    const notScalar = (s: number[]) => (s.length ? s : [1]);
    if (i % fitEvery === 0) {
      const units = pick([1, 1, 3, 5]);
      const out = [8, units];
      const target = targetShape(out, pick, r).map((d, k) => (k === 0 ? 8 : d));
      const source = [
        'import numpy as np',
        'import keras',
        'model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(' + units + ')])',
        `model.compile(optimizer='sgd', loss='${COMPILE_NAMES[loss]}')`,
        `y = ${labels(target.length ? target : [8])}`,
        'model.fit(np.zeros((8, 4)), y, batch_size=4, epochs=1, verbose=0)',
        '',
      ].join('\n');
      return { id: `keras-fit-${i}`, framework: 'keras' as const, source };
    }
    const out = outputShape(pick, r);
    const target = notScalar(targetShape(out, pick, r));
    const { imports, call } = kerasCall(loss, i);
    const source = [
      'import numpy as np',
      'import keras',
      ...imports,
      `y_pred = np.random.rand${tuple(out)}.astype('float32')`,
      `y_true = ${labels(target)}`,
      `loss = ${call}`,
      '',
    ].join('\n');
    return { id: `keras-${i}`, framework: 'keras' as const, source };
  });
}
