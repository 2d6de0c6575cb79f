/**
 * Seeded generator of random PyTorch layer stacks (as Python source) for the oracle test.
 * Each case is `model = nn.Sequential(...)`, `x = torch.randn(...)`, `y = model(x)`. Stacks
 * are grown by tracking the shape with the catalogue itself (the truth is torch's, so the
 * tracker only steers towards plausible stacks) and faults are injected on purpose: wrong
 * channels, wrong in_features, oversized kernels, too-small inputs, bad padding, ...
 */
import type { ArgValue } from '../../server/src/engine/layers/types';
import type { Dim, Shape } from '../../server/src/engine/types';
import { runChain, type LayerCall } from './torch-chain';
import { rng } from '../helpers/corpus';
export { rng };

export interface TorchCase {
  id: string;
  source: string;
  input: number[];
  layers: LayerCall[];
  /** [start, end) of each layer's constructor call in `source`. */
  spans: [number, number][];
  /** Contains a Lazy module (parameter counts depend on the first call). */
  lazy: boolean;
}


type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rand, p: number) => r() < p;

export function py(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${py(v[0])},)` : `(${v.map(py).join(', ')})`;
  throw new Error('unsupported literal');
}

function callText(l: LayerCall): string {
  const parts = [...(l.pos ?? []).map(py), ...Object.entries(l.kw ?? {}).map(([k, v]) => `${k}=${py(v)}`)];
  return `nn.${l.cls}(${parts.join(', ')})`;
}

const num = (d: Dim | undefined): number => (typeof d === 'number' ? d : 1);

/** Either an int or a per-axis tuple. */
function maybeTuple(r: Rand, n: number, f: () => number): ArgValue {
  if (n === 1 || chance(r, 0.7)) return f();
  return Array.from({ length: n }, f);
}

/** Candidate next layers for a channels-first tensor with `nsp` spatial axes. */
function spatialLayer(r: Rand, s: Shape, nsp: number, fault: boolean): LayerCall {
  const c = num(s.dims[s.dims.length - nsp - 1]);
  const sp = s.dims.slice(-nsp).map(num);
  const minSp = Math.min(...sp);
  const d = `${nsp}d`;
  const kind = pick(r, ['conv', 'conv', 'conv', 'pool', 'pool', 'bn', 'act', 'convT', 'adaptive', 'pad', 'up', 'avg', 'lazy', 'drop', 'gn', 'lp', 'frac', 'lrn', 'shuffle', 'glu']);
  const inC = fault && chance(r, 0.6) ? pick(r, [c + 1, Math.max(1, c - 1), c * 2, 3]) : c;
  const small = () => int(r, 1, Math.max(1, Math.min(5, minSp)));
  switch (kind) {
    case 'conv': {
      const k = fault && chance(r, 0.4) ? minSp + int(r, 1, 3) : small();
      const kw: Record<string, ArgValue> = {};
      if (chance(r, 0.3)) kw.stride = maybeTuple(r, nsp, () => int(r, 1, 3));
      if (chance(r, 0.3)) kw.padding = chance(r, 0.3) ? pick(r, ['same', 'valid']) : maybeTuple(r, nsp, () => int(r, 0, 2));
      if (chance(r, 0.15)) kw.dilation = int(r, 1, 2);
      const g = chance(r, 0.15) ? pick(r, [2, 4]) : 1;
      const outC = pick(r, [4, 8, 16]) * (g === 4 ? 1 : 1);
      if (g > 1 && inC % g === 0 && outC % g === 0) kw.groups = g;
      return { cls: `Conv${d}`, pos: [inC, outC, k], kw };
    }
    case 'lazy':
      return { cls: `LazyConv${d}`, pos: [pick(r, [4, 8]), small()], kw: chance(r, 0.3) ? { padding: 1 } : {} };
    case 'convT': {
      const kw: Record<string, ArgValue> = {};
      const st = int(r, 1, 2);
      if (st > 1) kw.stride = st;
      if (chance(r, 0.3)) kw.padding = int(r, 0, 1);
      if (st > 1 && chance(r, 0.3)) kw.output_padding = fault ? st : 1;
      return { cls: `ConvTranspose${d}`, pos: [inC, pick(r, [4, 8]), int(r, 1, 4)], kw };
    }
    case 'pool': {
      const k = fault && chance(r, 0.5) ? minSp + 1 : int(r, 1, 3);
      const kw: Record<string, ArgValue> = {};
      if (chance(r, 0.3)) kw.stride = int(r, 1, 3);
      if (chance(r, 0.25)) kw.padding = fault ? k : int(r, 0, Math.floor(k / 2));
      if (chance(r, 0.2)) kw.ceil_mode = true;
      if (chance(r, 0.1)) kw.dilation = 2;
      return { cls: `MaxPool${d}`, pos: [k], kw };
    }
    case 'avg': {
      const k = fault && chance(r, 0.5) ? minSp + 1 : int(r, 1, 3);
      const kw: Record<string, ArgValue> = {};
      if (chance(r, 0.3)) kw.stride = int(r, 1, 3);
      if (chance(r, 0.25)) kw.padding = fault ? k : int(r, 0, Math.floor(k / 2));
      if (chance(r, 0.2)) kw.ceil_mode = true;
      return { cls: `AvgPool${d}`, pos: [k], kw };
    }
    case 'bn':
      return { cls: `BatchNorm${d}`, pos: [inC] };
    case 'gn':
      return c % 2 === 0 ? { cls: 'GroupNorm', pos: [fault ? 3 : 2, inC] } : { cls: `InstanceNorm${d}`, pos: [inC], kw: { affine: true } };
    case 'adaptive':
      return { cls: `Adaptive${pick(r, ['Avg', 'Max'])}Pool${d}`, pos: [nsp > 1 && chance(r, 0.3) ? [null, ...Array(nsp - 1).fill(2)] : int(r, 1, 4)] };
    case 'pad': {
      const p = int(r, 1, 3);
      const cls = pick(r, ['ZeroPad', 'ReflectionPad', 'ReplicationPad', 'ConstantPad']);
      return cls === 'ConstantPad' ? { cls: `${cls}${d}`, pos: [p, 0.5] } : cls === 'ZeroPad' && nsp === 3 ? { cls: `ZeroPad2d`, pos: [p] } : { cls: `${cls}${d}`, pos: [p] };
    }
    case 'up':
      return chance(r, 0.5) ? { cls: 'Upsample', kw: { scale_factor: pick(r, [2, 1.5, 0.5]) } } : { cls: 'Upsample', kw: { size: int(r, 2, 12) } };
    case 'drop':
      return { cls: pick(r, ['Dropout', `Dropout${nsp === 1 ? '1d' : d}`]), pos: [] };
    case 'lp': {
      const k = fault && chance(r, 0.5) ? minSp + 1 : int(r, 1, 3);
      return { cls: `LPPool${d}`, pos: [pick(r, [1, 2]), k], kw: chance(r, 0.3) ? { stride: int(r, 1, 2), ceil_mode: chance(r, 0.5) } : {} };
    }
    case 'frac':
      return nsp === 1 ? { cls: 'LocalResponseNorm', pos: [2] } : { cls: `FractionalMaxPool${d}`, pos: [2], kw: { output_size: Math.max(1, Math.floor(minSp / 2)) } };
    case 'lrn':
      return { cls: 'LocalResponseNorm', pos: [int(r, 1, 4)] };
    case 'shuffle':
      return nsp === 2 ? { cls: 'ChannelShuffle', pos: [fault ? c + 1 : pick(r, [1, 2].filter((g) => c % g === 0))] } : { cls: 'Hardshrink' };
    case 'glu':
      return c % 2 === 0 || fault ? { cls: 'GLU', pos: [1] } : pick(r, [{ cls: 'Softshrink' }, { cls: 'RReLU' }, { cls: 'Threshold', pos: [0.1, 0.0] }]);
    default:
      return { cls: pick(r, ['ReLU', 'GELU', 'Sigmoid', 'Tanh', 'LeakyReLU', 'SiLU', 'ELU', 'Hardswish', 'ReLU6', 'Identity']) };
  }
}

/** After Flatten (or for sequence input): Linear stacks, norms, RNNs. */
function vectorLayer(r: Rand, s: Shape, fault: boolean): LayerCall {
  const f = num(s.dims[s.dims.length - 1]);
  const inF = fault ? pick(r, [f + 1, Math.max(1, f - 1), f * 2, 10]) : f;
  const kind = pick(r, ['linear', 'linear', 'linear', 'act', 'ln', 'bn1', 'lazy', 'drop', 'rms', 'glu', 'cell']);
  switch (kind) {
    case 'linear':
      return { cls: 'Linear', pos: [inF, pick(r, [2, 10, 16, 32])], kw: chance(r, 0.2) ? { bias: false } : {} };
    case 'lazy':
      return { cls: 'LazyLinear', pos: [pick(r, [4, 8])] };
    case 'ln':
      return { cls: 'LayerNorm', pos: [inF] };
    case 'bn1':
      return s.dims.length === 2 ? { cls: 'BatchNorm1d', pos: [inF] } : { cls: 'LayerNorm', pos: [inF] };
    case 'drop':
      return { cls: 'Dropout', pos: [0.1] };
    case 'rms':
      return { cls: 'RMSNorm', pos: [inF] };
    case 'glu':
      return f % 2 === 0 || fault ? { cls: 'GLU' } : { cls: 'Linear', pos: [f, 2 * f] };
    case 'cell':
      // A cell on (N, H_in) returns h (GRU, RNN) or (h, c) (LSTM): a tuple the next module cannot take.
      return s.dims.length === 2 ? { cls: pick(r, ['LSTMCell', 'GRUCell', 'RNNCell']), pos: [inF, pick(r, [4, 8])] } : { cls: 'Tanh' };
    default:
      return { cls: pick(r, ['ReLU', 'Tanh', 'Softmax']), kw: {} };
  }
}

function inputFor(r: Rand, family: number): number[] {
  const b = int(r, 2, 4);
  if (family === 0) return [b, pick(r, [1, 3, 4, 8]), int(r, 3, 40), int(r, 3, 40)];
  if (family === 1) return [b, pick(r, [1, 3, 4]), int(r, 3, 60)];
  if (family === 2) return [b, pick(r, [1, 2, 4]), int(r, 3, 10), int(r, 3, 10), int(r, 3, 10)];
  if (family === 3) return [b, int(r, 3, 40)];
  if (family === 4) return [pick(r, [3, 4, 8]), int(r, 3, 30), int(r, 3, 30)]; // unbatched 2-D
  return [int(r, 3, 8), b, int(r, 4, 20)]; // sequence (L, N, H_in)
}

function buildLayers(r: Rand, input: number[], family: number): LayerCall[] {
  const nsp = family === 0 || family === 4 ? 2 : family === 1 ? 1 : family === 2 ? 3 : 0;
  const layers: LayerCall[] = [];
  const target = int(r, 1, 6);
  let flattened = nsp === 0;
  for (let i = 0; i < target + 2; i++) {
    const { steps, issue } = runChain(layers, { dims: input, open: false });
    if (issue) break;
    const s: Shape | null = layers.length ? steps[steps.length - 1].shape : { dims: input, open: false };
    if (!s || s.dims.some((d) => typeof d !== 'number')) break;
    const fault = chance(r, 0.07);
    if (family === 5 && chance(r, 0.25)) {
      // A Transformer encoder layer keeps (L, N, E); a wrong d_model fails in its attention.
      const e = num(s.dims[2]);
      const d = fault ? e + 2 : e;
      layers.push({ cls: 'TransformerEncoderLayer', pos: [d, pick(r, [1, 2].filter((h) => d % h === 0))], kw: { dim_feedforward: pick(r, [8, 16]) } });
      if (chance(r, 0.5)) layers.push({ cls: 'Linear', pos: [e, 3] });
      break;
    }
    if (family === 5) {
      const cell = pick(r, ['LSTM', 'GRU', 'RNN']);
      const inSize = fault ? num(s.dims[2]) + 1 : num(s.dims[2]);
      const kw: Record<string, ArgValue> = {};
      if (chance(r, 0.3)) kw.num_layers = 2;
      if (chance(r, 0.3)) kw.bidirectional = true;
      if (cell === 'LSTM' && chance(r, 0.2)) kw.proj_size = 3;
      const hidden = pick(r, [5, 8, 16]);
      layers.push({ cls: cell, pos: [inSize, hidden], kw });
      // The tuple output ends the Sequential; a module after it raises (TypeError/AttributeError).
      if (chance(r, 0.2)) layers.push(pick(r, [{ cls: 'Linear', pos: [hidden, 2] }, { cls: 'ReLU' }, { cls: 'Dropout' }, { cls: 'LayerNorm', pos: [hidden] }]));
      break;
    }
    if (!flattened && i >= target) {
      layers.push({ cls: 'Flatten' });
      flattened = true;
      continue;
    }
    if (flattened && i > target) break;
    layers.push(flattened ? vectorLayer(r, s, fault) : spatialLayer(r, s, nsp, fault));
  }
  return layers;
}

export function generateTorchCases(count: number, seed = 20261127): TorchCase[] {
  const r = rng(seed);
  const cases: TorchCase[] = [];
  for (let n = 0; n < count; n++) {
    const family = pick(r, [0, 0, 0, 0, 1, 1, 2, 3, 4, 5]);
    const input = inputFor(r, family);
    const layers = buildLayers(r, input, family);
    if (layers.length === 0) layers.push({ cls: 'ReLU' });
    let source = 'import torch\nimport torch.nn as nn\nmodel = nn.Sequential(\n';
    const spans: [number, number][] = [];
    for (const l of layers) {
      source += '    ';
      const t = callText(l);
      spans.push([source.length, source.length + t.length]);
      source += `${t},\n`;
    }
    source += `)\nx = torch.randn(${input.join(', ')})\ny = model(x)\n`;
    cases.push({ id: `t${n}`, source, input, layers, spans, lazy: layers.some((l) => l.cls.startsWith('Lazy')) });
  }
  return cases;
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 1000);
  process.stdout.write(JSON.stringify(generateTorchCases(n).map(({ id, source }) => ({ id, source }))));
}
