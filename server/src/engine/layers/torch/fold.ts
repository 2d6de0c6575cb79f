/**
 * Sliding-block and unpooling modules: Fold/Unfold (im2col, col2im), MaxUnpool{1,2,3}d, and
 * LocalResponseNorm, with their functional forms. Messages are torch 2.13's.
 */
import { isKnown } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { asTuple, type ArgValue, type BoundArgs, type LayerDef, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import { failed, inputShape, intList, issue, knownProduct, msgDim, msgSizes, out, pySource, showShape } from './common';

interface Blocks {
  k: number[] | null;
  d: number[] | null;
  p: number[] | null;
  s: number[] | null;
}

function decodeBlocks(args: BoundArgs): Blocks {
  return { k: asTuple(args.get('kernel_size'), 2), d: asTuple(args.get('dilation'), 2), p: asTuple(args.get('padding'), 2), s: asTuple(args.get('stride'), 2) };
}

/** Number of sliding blocks along each axis; null entries when unknown. */
function blockCounts(b: Blocks, spatial: Dim[]): Dim[] {
  return spatial.map((n, i) => (isKnown(n) && b.k && b.d && b.p && b.s ? Math.floor((n + 2 * b.p[i] - b.d[i] * (b.k[i] - 1) - 1) / b.s[i]) + 1 : null));
}

const pair = (v: number[]) => `(${v.join(', ')})`;

function applyUnfold(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  if (!shape || shape.open) return out(null);
  const r = shape.dims.length;
  if (r !== 3 && r !== 4)
    return failed(issue('rank-mismatch', `Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${msgSizes(shape.dims)}`, [`Unfold takes (C, H, W) or (N, C, H, W); got ${showShape(shape)}.`]));
  const b = decodeBlocks(args);
  const [c, ...spatial] = shape.dims.slice(r - 3);
  const counts = blockCounts(b, spatial);
  if (b.k && b.d && b.p && counts.every(isKnown) && counts.some((x) => (x as number) < 1))
    return failed(
      issue('kernel-exceeds-input', `Given input with spatial size ${pair(spatial as number[])}, kernel_size=${pair(b.k)}, dilation=${pair(b.d)}, padding=${pair(b.p)}, calculated shape of the array of sliding blocks as ${pair(counts as number[])}, but its components must be at least one.`, [
        `the ${b.k.join('x')} window does not fit in the ${spatial.map(msgDim).join('x')} input.`,
      ]),
    );
  const cols = b.k && isKnown(c) ? c * b.k[0] * b.k[1] : null;
  return out({ dims: [...shape.dims.slice(0, r - 3), cols, knownProduct(counts)], open: false });
}

function applyFold(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  if (!shape || shape.open) return out(null);
  const r = shape.dims.length;
  if (r !== 2 && r !== 3)
    return failed(issue('rank-mismatch', `Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${msgSizes(shape.dims)}`, [`Fold takes (C·k, L) or (N, C·k, L); got ${showShape(shape)}.`]));
  const b = decodeBlocks(args);
  const size = asTuple(args.get('output_size'), 2);
  const [ck, l] = shape.dims.slice(r - 2);
  const kprod = b.k ? b.k[0] * b.k[1] : null;
  if (b.k && kprod !== null && isKnown(ck) && ck % kprod !== 0)
    return failed(issue('channel-mismatch', `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${ck} and kernel_size=${pair(b.k)}.`, [`${ck} rows cannot be split into ${b.k.join('x')} kernel positions.`]));
  const counts = size ? blockCounts(b, size) : [null, null];
  if (size && b.k && b.d && b.p && b.s && counts.every(isKnown) && isKnown(l) && l !== (counts[0] as number) * (counts[1] as number))
    return failed(
      issue('features-mismatch', `Given output_size=${pair(size)}, kernel_size=${pair(b.k)}, dilation=${pair(b.d)}, padding=${pair(b.p)}, stride=${pair(b.s)}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${counts[0]} * ${counts[1]} = ${(counts[0] as number) * (counts[1] as number)}, but got input.size(2)=${l}.`, [
        `an output of ${size.join('x')} holds ${(counts[0] as number) * (counts[1] as number)} blocks; the input has ${l}.`,
      ]),
    );
  const c = kprod !== null && isKnown(ck) ? ck / kprod : null;
  return out({ dims: [...shape.dims.slice(0, r - 2), c, ...(size ?? [null, null])], open: false });
}

const BLOCK_PARAMS: ParamSpec[] = [{ name: 'kernel_size' }, { name: 'dilation', default: 1 }, { name: 'padding', default: 0 }, { name: 'stride', default: 1 }];

// ------------------------------------------------------------ MaxUnpool

/** The unpooled size per axis: (n − 1)·stride − 2·padding + kernel, or a checked output_size. */
function applyUnpool(nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[], outputSize: ArgValue | undefined): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  if (!shape || shape.open) return out(null);
  const r = shape.dims.length;
  // MaxUnpool1d runs as max_unpool2d on an unsqueezed input.
  const [lo, hi] = nsp === 3 ? [4, 5] : [nsp + 1, nsp + 2];
  if (r < lo || r > hi) {
    const [alo, ahi, got] = nsp === 1 ? [3, 4, r + 1] : [lo, hi, r];
    return failed(issue('rank-mismatch', `Input to max_unpooling${nsp === 3 ? 3 : 2}d should be a ${alo}d or ${ahi}d Tensor, but got a tensor with ${got} dimensions.`, [`MaxUnpool${nsp}d takes a ${lo}-D or ${hi}-D input; got ${showShape(shape)}.`]));
  }
  const k = asTuple(args.get('kernel_size'), nsp);
  const sv = args.get('stride');
  const s = sv === null ? k : asTuple(sv, nsp);
  const p = asTuple(args.get('padding'), nsp);
  const spatial = shape.dims.slice(r - nsp);
  const defaults = spatial.map((n, i) => (isKnown(n) && k && s && p ? (n - 1) * s[i] + k[i] - 2 * p[i] : null));
  let sizes: Dim[] = defaults;
  if (outputSize !== null && outputSize !== undefined) {
    let given = intList(outputSize);
    if (!given) return out({ dims: [...shape.dims.slice(0, r - nsp), ...spatial.map(() => null)], open: false });
    if (given.length === nsp + 2) given = given.slice(2);
    if (given.length !== nsp)
      return failed(issue('invalid-argument', `output_size should be a sequence containing ${nsp} or ${nsp + 2} elements, but it has a length of '${given.length}'`, [`MaxUnpool${nsp}d has ${nsp} spatial axes.`]));
    for (let i = 0; i < nsp; i++) {
      const def = defaults[i];
      if (def === null || !s || !isKnown(def)) continue;
      const [mn, mx] = [def - s[i], def + s[i]];
      if (!(mn < given[i] && given[i] < mx))
        return failed(issue('invalid-argument', `invalid output_size "${pySource(given)}" (dim ${i} must be between ${mn} and ${mx})`, [`output_size may differ from the default ${def} by less than the stride ${s[i]}.`]));
    }
    sizes = given;
  }
  return out({ dims: [...shape.dims.slice(0, r - nsp), ...sizes], open: false });
}

// ------------------------------------------------------------ LocalResponseNorm

function applyLrn(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape: Shape | null = inputShape(args, inputs, 'input');
  if (shape && !shape.open && shape.dims.length < 3)
    // The message keeps the run of spaces of torch's own source line.
    return failed(issue('rank-mismatch', `Expected 3D or higher dimensionality                          input (got ${shape.dims.length} dimensions)`, [`LocalResponseNorm works across the channels of (N, C, …); got ${showShape(shape)}.`]));
  return out(shape);
}

const LRN_PARAMS: ParamSpec[] = [{ name: 'size' }, { name: 'alpha', default: 1e-4 }, { name: 'beta', default: 0.75 }, { name: 'k', default: 1.0 }];

function def(names: string[], params: ParamSpec[], kind: 'layer' | 'op', apply: LayerDef['apply'], callParams?: ParamSpec[]): LayerDef {
  return { framework: 'torch', names, params, kind, apply, callParams };
}

export const foldLayers: LayerDef[] = [
  def(['torch.nn.Unfold'], BLOCK_PARAMS, 'layer', applyUnfold),
  def(['torch.nn.functional.unfold'], [{ name: 'input' }, ...BLOCK_PARAMS], 'op', applyUnfold),
  def(['torch.nn.Fold'], [{ name: 'output_size' }, ...BLOCK_PARAMS], 'layer', applyFold),
  def(['torch.nn.functional.fold'], [{ name: 'input' }, { name: 'output_size' }, ...BLOCK_PARAMS], 'op', applyFold),
  def(['torch.nn.LocalResponseNorm'], LRN_PARAMS, 'layer', applyLrn),
  def(['torch.nn.functional.local_response_norm'], [{ name: 'input' }, ...LRN_PARAMS], 'op', applyLrn),
  ...[1, 2, 3].flatMap((n) => [
    def([`torch.nn.MaxUnpool${n}d`], [{ name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'padding', default: 0 }], 'layer', (a, i) => applyUnpool(n, a, i, i[2] as ArgValue), [
      { name: 'indices', default: null },
      { name: 'output_size', default: null },
    ]),
    def(
      [`torch.nn.functional.max_unpool${n}d`],
      [{ name: 'input' }, { name: 'indices' }, { name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'padding', default: 0 }, { name: 'output_size', default: null }],
      'op',
      (a, i) => applyUnpool(n, a, i, a.get('output_size')),
    ),
  ]),
];
