/**
 * PyTorch losses against their targets, as `torch.nn.functional` checks them (PyTorch 2.x,
 * checked with the loss oracle against real torch):
 *  - `cross_entropy`: a target of the input's shape is class probabilities (must be floating);
 *    otherwise class indices through `nll_loss_nd`: batch sizes first ("Expected input batch_size
 *    (64) to match target batch_size (32)."), then the target's rank or shape, then its dtype
 *    (Long or Byte);
 *  - `binary_cross_entropy` / `_with_logits`: target size must equal input size, then a floating target;
 *  - `mse_loss`, `l1_loss`, `smooth_l1_loss`, `huber_loss`: a different size only warns (and
 *    broadcasts, training on the wrong loss); sizes that do not broadcast raise;
 *  - `kl_div`: broadcasts without a warning; integral targets raise.
 */
import type { Shape } from '../../types';
import { broadcastVerdict, dimEq, isFloatDtype, listText, PASS, raise, shapeEq, UNKNOWN_VERDICT, warn, type LossFix, type LossVerdict } from './verdict';

export type TorchLoss = 'cross_entropy' | 'nll_loss' | 'binary_cross_entropy' | 'binary_cross_entropy_with_logits' | 'mse_loss' | 'l1_loss' | 'smooth_l1_loss' | 'huber_loss' | 'kl_div';

/** Module classes and their functional forms. */
export const TORCH_LOSS_MODULES: Record<string, TorchLoss> = {
  CrossEntropyLoss: 'cross_entropy',
  NLLLoss: 'nll_loss',
  NLLLoss2d: 'nll_loss',
  BCELoss: 'binary_cross_entropy',
  BCEWithLogitsLoss: 'binary_cross_entropy_with_logits',
  MSELoss: 'mse_loss',
  L1Loss: 'l1_loss',
  SmoothL1Loss: 'smooth_l1_loss',
  HuberLoss: 'huber_loss',
  KLDivLoss: 'kl_div',
};

const TORCH_TYPE_NAMES: Record<string, string> = {
  int64: 'Long', int32: 'Int', int16: 'Short', int8: 'Char', uint8: 'Byte', float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16', bool: 'Bool',
};

function typeName(d: string): string {
  return TORCH_TYPE_NAMES[d] ?? d;
}

export function torchSize(s: Shape): string {
  return `torch.Size(${listText(s)})`;
}

/** The verdict of `loss(input, target)`; `targetDtype` undefined means unknown. */
export function torchLossVerdict(loss: TorchLoss, input: Shape, target: Shape, targetDtype: string | undefined, inputDtype?: string): LossVerdict {
  if (input.open || target.open) return UNKNOWN_VERDICT;
  switch (loss) {
    case 'cross_entropy':
    case 'nll_loss':
      return classIndexLoss(loss, input, target, targetDtype);
    case 'binary_cross_entropy':
    case 'binary_cross_entropy_with_logits':
      return binaryLoss(loss, input, target, targetDtype, inputDtype);
    case 'kl_div':
      return klDiv(input, target, targetDtype);
    default:
      return regressionLoss(loss, input, target);
  }
}

function classIndexLoss(loss: 'cross_entropy' | 'nll_loss', input: Shape, target: Shape, dtype: string | undefined): LossVerdict {
  const [i, t] = [input.dims, target.dims];
  if (i.length === 0) return UNKNOWN_VERDICT;
  if (loss === 'cross_entropy') {
    // A target of the input's shape is read as class probabilities.
    const same = shapeEq(input, target);
    if (same === null) return UNKNOWN_VERDICT;
    if (same) {
      if (dtype === undefined) return UNKNOWN_VERDICT;
      if (isFloatDtype(dtype)) return PASS;
      return raise(`Expected floating point type for target with class probabilities, got ${typeName(dtype)}`, [
        `The target ${listText(target)} has the input's shape, so cross_entropy reads it as class probabilities, which must be floating point; class indices have no class axis (${listText([i[0], ...i.slice(2)])}).`,
      ]);
    }
  }
  if (i.length !== 1) {
    // `target.size(0)` of a 0-d target reads as 0 in this message.
    const tb = t.length === 0 ? 0 : t[0];
    const e = dimEq(i[0], tb);
    if (e === null) return UNKNOWN_VERDICT;
    if (!e) {
      return raise(`Expected input batch_size (${i[0]}) to match target batch_size (${tb}).`, [
        `The model's output has ${i[0]} rows and the target ${tb}: each prediction needs one target.`,
      ]);
    }
  }
  const indices = i.length === 1 ? [] : [i[0], ...i.slice(2)];
  const oneIndex = ['An unbatched input (C,) takes one class index as its target.'];
  if (i.length === 1) {
    // Unbatched: the rank, then the dtype, then the size.
    if (t.length > 1) return raise('0D or 1D target tensor expected, multi-target not supported', oneIndex);
    const d = indexDtype(dtype);
    if (d.outcome !== 'pass') return d;
    if (t.length === 1 && t[0] !== 1) {
      if (typeof t[0] !== 'number') return UNKNOWN_VERDICT;
      return raise(`For 1D input, 1D target must have size 1, but got target size: ${t[0]}`, oneIndex);
    }
    return PASS;
  }
  if (i.length === 2) {
    if (t.length > 1) {
      const fix: LossFix | undefined = t.length === 2 && t[1] === 1 ? { title: 'Squeeze the target to class indices (.squeeze(1))', on: 'target', append: '.squeeze(1)' } : undefined;
      return raise(
        '0D or 1D target tensor expected, multi-target not supported',
        [
          `The output ${listText(input)} is (N, C) scores, so the target must be N class indices ${listText([i[0]])}; it is ${listText(target)}.`,
          ...(loss === 'cross_entropy' ? [`cross_entropy reads a target as class probabilities only when it has the output's shape ${listText(input)}.`] : []),
        ],
        fix,
      );
    }
    return indexDtype(dtype);
  }
  const perPosition = [`The output ${listText(input)} is (N, C, d1, …) scores with classes on axis 1, so the target must hold one class index per position: ${listText(indices)}.`];
  const squeezeLast: LossFix | undefined =
    t.length === indices.length + 1 && t[t.length - 1] === 1 && shapeEq({ dims: t.slice(0, -1), open: false }, { dims: indices, open: false }) === true
      ? { title: `Squeeze the target's last axis (.squeeze(${t.length - 1}))`, on: 'target', append: `.squeeze(${t.length - 1})` }
      : undefined;
  if (i.length === 4) {
    // nll_loss2d: the target's rank, then its dtype, then its sizes.
    if (t.length !== 3) return raise(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${t.length}`, perPosition, squeezeLast);
    const d = indexDtype(dtype, true);
    if (d.outcome !== 'pass') return d;
    const eq = shapeEq(target, { dims: indices, open: false });
    if (eq === null) return UNKNOWN_VERDICT;
    return eq ? PASS : raise(`size mismatch (got input: ${listText(input)} , target: ${listText(target)}`, perPosition);
  }
  const eq = shapeEq(target, { dims: indices, open: false });
  if (eq === null) return UNKNOWN_VERDICT;
  if (!eq) return raise(`Expected target size ${listText(indices)}, got ${listText(target)}`, perPosition, squeezeLast);
  return indexDtype(dtype, true);
}

/** Class indices must be Long or Byte. */
function indexDtype(dtype: string | undefined, spatial = false): LossVerdict {
  if (dtype === undefined) return UNKNOWN_VERDICT;
  if (dtype === 'int64') return PASS;
  // Byte targets pass the (N, C) kernel only; the spatial one takes Long alone.
  if (dtype === 'uint8') return spatial ? raise('expected scalar type Long but found Byte', ['Per-position class indices must be torch.long.'], { title: 'Convert the target to torch.long (.long())', on: 'target', append: '.long()' }) : PASS;
  return raise(`expected target dtype to be Long or Byte, but got ${typeName(dtype)}`, [
    `Class-index targets must be integers (torch.long); this one is ${dtype}.`,
  ], /^u?int/.test(dtype) ? { title: 'Convert the target to torch.long (.long())', on: 'target', append: '.long()' } : undefined);
}

/** The fix that gives the target the input's shape when one axis of size 1 is the whole difference. */
function reshapeTarget(input: Shape, target: Shape): LossFix | undefined {
  const [i, t] = [input.dims, target.dims];
  if (i.length === t.length + 1 && i[i.length - 1] === 1 && shapeEq({ dims: i.slice(0, -1), open: false }, target) === true) {
    return { title: `Add the size-1 axis to the target (.unsqueeze(${t.length}))`, on: 'target', append: `.unsqueeze(${t.length})` };
  }
  if (t.length === i.length + 1 && t[t.length - 1] === 1 && shapeEq({ dims: t.slice(0, -1), open: false }, input) === true) {
    return { title: `Drop the target's size-1 axis (.squeeze(${i.length}))`, on: 'target', append: `.squeeze(${i.length})` };
  }
  return undefined;
}

function binaryLoss(loss: 'binary_cross_entropy' | 'binary_cross_entropy_with_logits', input: Shape, target: Shape, dtype: string | undefined, inputDtype: string | undefined): LossVerdict {
  const same = shapeEq(input, target);
  if (same === null) return UNKNOWN_VERDICT;
  if (!same) {
    const message =
      loss === 'binary_cross_entropy'
        ? `Using a target size (${torchSize(target)}) that is different to the input size (${torchSize(input)}) is deprecated. Please ensure they have the same size.`
        : `Target size (${torchSize(target)}) must be the same as input size (${torchSize(input)})`;
    return raise(message, [`${loss} compares the output and the target element by element; it does not broadcast.`], reshapeTarget(input, target));
  }
  if (dtype === undefined) return UNKNOWN_VERDICT;
  if (loss === 'binary_cross_entropy' && isFloatDtype(dtype)) {
    // binary_cross_entropy takes the input's own float type.
    if (inputDtype === undefined) return UNKNOWN_VERDICT;
    if (dtype === inputDtype) return PASS;
    return raise(`Found dtype ${typeName(dtype)} but expected ${typeName(inputDtype)}`, [`binary_cross_entropy needs the target in the input's dtype (${inputDtype}); this one is ${dtype}.`]);
  }
  if (isFloatDtype(dtype)) return PASS;
  const message = loss === 'binary_cross_entropy' ? `Found dtype ${typeName(dtype)} but expected Float` : `result type Float can't be cast to the desired output type ${typeName(dtype)}`;
  return raise(message, [`Binary targets must be floating point (0.0 / 1.0); this one is ${dtype}.`], { title: 'Convert the target to float (.float())', on: 'target', append: '.float()' });
}

function broadcastMessage(c: { x: number; y: number; axis: number }): string {
  return `The size of tensor a (${c.x}) must match the size of tensor b (${c.y}) at non-singleton dimension ${c.axis}`;
}

function regressionLoss(loss: TorchLoss, input: Shape, target: Shape): LossVerdict {
  const b = broadcastVerdict(input, target);
  if (b === null) return UNKNOWN_VERDICT;
  if (b === 'same') return PASS;
  if (b !== 'broadcast') return raise(broadcastMessage(b), [`${loss} broadcasts the output ${listText(input)} with the target ${listText(target)}, and axis ${b.axis} is ${b.x} against ${b.y}.`]);
  return warn(
    `Using a target size (${torchSize(target)}) that is different to the input size (${torchSize(input)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
    [`PyTorch only warns: ${listText(input)} and ${listText(target)} broadcast to a larger tensor, so the loss compares every prediction with every target and training goes on with the wrong loss.`],
    reshapeTarget(input, target),
  );
}

function klDiv(input: Shape, target: Shape, dtype: string | undefined): LossVerdict {
  // The dtype is checked first; an unknown dtype still lets a broadcast clash raise.
  if (dtype !== undefined && !isFloatDtype(dtype)) return raise('kl_div: Integral inputs not supported.', ['kl_div takes a probability (or log-probability) target, which must be floating point.']);
  const b = broadcastVerdict(target, input);
  if (b === null) return UNKNOWN_VERDICT;
  if (b !== 'same' && b !== 'broadcast') return raise(broadcastMessage(b), [`kl_div broadcasts the target ${listText(target)} with the input ${listText(input)}, and axis ${b.axis} is ${b.x} against ${b.y}.`]);
  return dtype === undefined ? UNKNOWN_VERDICT : PASS;
}

/**
 * `margin_ranking_loss(input1, input2, target)`: all three of the same rank (checked in Python
 * first), then `-target * (input1 - input2)` broadcasts.
 */
export function marginRankingVerdict(x1: Shape, x2: Shape, target: Shape): LossVerdict {
  if (x1.open || x2.open || target.open) return UNKNOWN_VERDICT;
  if (x1.dims.length !== x2.dims.length || x1.dims.length !== target.dims.length) {
    return raise(
      `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${torchSize(x1)}, input2: ${torchSize(x2)}, target: ${torchSize(target)}`,
      [`The two scores and the target must have the same rank: ${listText(x1)}, ${listText(x2)} and ${listText(target)}.`],
      reshapeTarget(x1, target),
    );
  }
  const diff = broadcastVerdict(x1, x2);
  if (diff === null) return UNKNOWN_VERDICT;
  if (diff !== 'same' && diff !== 'broadcast') return raise(broadcastMessage(diff), [`input1 ${listText(x1)} and input2 ${listText(x2)} do not broadcast.`]);
  const merged: Shape = { dims: x1.dims.map((d, i) => (d === 1 ? x2.dims[i] : d)), open: false };
  const b = broadcastVerdict(target, merged);
  if (b === null) return UNKNOWN_VERDICT;
  if (b !== 'same' && b !== 'broadcast') return raise(broadcastMessage(b), [`The target ${listText(target)} does not broadcast with the scores ${listText(merged)}.`]);
  return PASS;
}

/**
 * `ctc_loss(log_probs, targets, input_lengths, target_lengths)`: log_probs are (T, N, C), so the
 * batch is axis 1; the lengths need one entry per batch item, then padded targets (N, S) one row
 * per item (checked in that order; `LossCTC.cpp`).
 */
export function ctcVerdict(logProbs: Shape, targets: Shape, inputLengths: Shape, targetLengths: Shape): LossVerdict {
  if ([logProbs, targets, inputLengths, targetLengths].some((s) => s.open) || logProbs.dims.length !== 3) return UNKNOWN_VERDICT;
  const batch = logProbs.dims[1];
  const size = (s: Shape) => s.dims.reduce<number | null>((n, d) => (n === null || typeof d !== 'number' ? null : n * d), 1);
  const batchFirst = `log_probs ${listText(logProbs)} are read as (T, N, C): the batch is axis 1 (${batch}).`;
  for (const [lengths, name] of [[inputLengths, 'input_lengths'], [targetLengths, 'target_lengths']] as const) {
    const n = size(lengths);
    if (n === null || typeof batch !== 'number') return UNKNOWN_VERDICT;
    if (n !== batch) return raise(`${name} must be of size batch_size`, [batchFirst, `${name} has ${n} entries.`]);
  }
  if (targets.dims.length === 2) {
    const rows = targets.dims[0];
    if (typeof rows !== 'number') return UNKNOWN_VERDICT;
    if (rows !== batch) {
      return raise(`Expected tensor to have size ${batch} at dimension 0, but got size ${rows} for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)`, [
        batchFirst,
        `Padded targets (N, S) need one row per batch item; these have ${rows}.`,
      ]);
    }
  }
  return PASS;
}

/**
 * `cosine_embedding_loss(input1, input2, target)` (aten/src/ATen/native/Loss.cpp): a target of
 * rank 0 or 1 (else the multi-target error), 1D inputs for a 0D target and 2D inputs for a 1D
 * target; then `input1 * input2` broadcasts, and the per-row cosine (the product without its
 * last axis) broadcasts with the target. Any target dtype passes (`target == 1` compares).
 */
export function cosineEmbeddingVerdict(x1: Shape, x2: Shape, target: Shape): LossVerdict {
  if (x1.open || x2.open || target.open) return UNKNOWN_VERDICT;
  const rank = target.dims.length;
  const rows = [`CosineEmbeddingLoss compares row i of input1 and input2 (each (N, D), or (D) unbatched) and reads target i as +1 or -1: one target per row, shape (N,) or ().`];
  if (rank > 1) return raise('0D or 1D target tensor expected, multi-target not supported', rows, target.dims.every((d, i) => i === 0 || d === 1) && rank === 2 ? { title: 'Squeeze the target to one entry per row (.squeeze(1))', on: 'target', append: '.squeeze(1)' } : undefined);
  const want = rank + 1;
  if (x1.dims.length !== want || x2.dims.length !== want) {
    return raise(`${rank}D target tensor expects ${want}D input tensors, but found inputs with sizes ${listText(x1)} and ${listText(x2)}.`, rows);
  }
  const product = broadcastVerdict(x1, x2);
  if (product === null) return UNKNOWN_VERDICT;
  if (product !== 'same' && product !== 'broadcast') return raise(broadcastMessage(product), [`input1 ${listText(x1)} and input2 ${listText(x2)} are multiplied element by element and do not broadcast.`]);
  if (rank === 0) return PASS;
  const n = x1.dims[0] === 1 ? x2.dims[0] : x1.dims[0];
  const b = broadcastVerdict(target, { dims: [n], open: false });
  if (b === null) return UNKNOWN_VERDICT;
  if (b !== 'same' && b !== 'broadcast') return raise(broadcastMessage(b), [...rows, `The inputs have ${n} rows and the target ${b.x} entries.`]);
  return PASS;
}
