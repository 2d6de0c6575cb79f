/**
 * Seeded generator of Keras and PyTorch models for the port's later catalogue additions:
 * instance and group normalisation (affine or not, any group count), and, for PyTorch sources,
 * the forward idioms the port reads (`x.unsqueeze(1).repeat(1, n, 1)` and `.expand(-1, n, -1)`,
 * slices of time, spatial and channel axes, an integer index). Shapes are tracked so every
 * model builds; which layers and sizes it picks is random. Separate from generate-catalogue.ts so
 * that generator's models stay the same.
 */
import { Gen, type GeneratedModel } from './generate-models';
import { torchModel } from './port-oracle-cases';

/** A divisor of `n` picked at random (1 and n included). */
function divisor(g: Gen, n: number): number {
  const ds = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
  return g.pick(ds);
}

// ------------------------------------------------------------------------------------ Keras

function kerasNormBlock(g: Gen, state: { hw: number[]; ch: number }): string[] {
  const kind = g.pick(['instance', 'group', 'conv', 'dilatedT'] as const);
  if (kind === 'dilatedT') {
    // Keras takes dilation_rate > 1 in a transposed convolution only with strides 1.
    const k = g.int(2, 3);
    const d = [g.int(1, 3), g.int(1, 2)];
    const same = g.chance(0.5);
    const f = g.pick([2, 4]);
    state.hw = state.hw.map((n, i) => (same ? n : n + d[i] * (k - 1)));
    state.ch = f;
    return [`layers.Conv2DTranspose(${f}, ${k}, dilation_rate=(${d.join(', ')})${same ? ", padding='same'" : ''})`];
  }
  if (kind === 'conv') {
    const f = g.pick([2, 4, 6]);
    state.ch = f;
    return [`layers.Conv2D(${f}, 3, padding='same', activation='tanh')`];
  }
  const groups = kind === 'instance' ? state.ch : divisor(g, state.ch);
  const affine = g.chance(0.7) ? '' : ', center=False, scale=False';
  const eps = g.chance(0.5) ? ', epsilon=1e-5' : '';
  return [`layers.GroupNormalization(groups=${groups}${eps}${affine})`];
}

export function generateKerasLeftoverModels(count: number, seed: number): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (let id = 0; id < count; id++) {
    const g = new Gen(seed * 100_003 + id);
    const state = { hw: [g.int(3, 7), g.int(3, 7)], ch: g.pick([2, 4, 6]) };
    const input = [...state.hw, state.ch];
    const lines: string[] = [];
    for (let i = g.int(2, 4); i > 0; i--) lines.push(...kerasNormBlock(g, state));
    if (g.chance(0.5)) lines.push('layers.GlobalAveragePooling2D()', `layers.Dense(${g.int(2, 4)})`);
    const source = ['import keras', 'from keras import layers', '', 'model = keras.Sequential([', `    keras.Input(shape=(${input.join(', ')})),`, ...lines.map((l) => `    ${l},`), '])', ''].join('\n');
    out.push({ id, framework: 'keras', source, inputShape: [2, ...input] });
  }
  return out;
}

// ---------------------------------------------------------------------------------- PyTorch

/** A module's `__init__` lines and `forward` statements on `x`, built up together. */
interface TorchParts { init: string[]; forward: string[]; n: number }

function layer(p: TorchParts, module: string, call = (m: string) => `x = ${m}(x)`): void {
  const name = `l${p.n++}`;
  p.init.push(`self.${name} = ${module}`);
  p.forward.push(call(`self.${name}`));
}

/** A feature-map model (N, C, H, W): convolutions, instance and group normalisation, spatial and channel slices. */
function torchImage(g: Gen, p: TorchParts): number[] {
  let ch = g.pick([2, 4, 6]);
  let hw = [g.int(5, 8), g.int(5, 8)];
  const input = [ch, ...hw];
  for (let i = g.int(2, 4); i > 0; i--) {
    const kind = g.pick(['instance', 'group', 'conv', 'slice', 'convT'] as const);
    if (kind === 'convT') {
      // Dilated with stride 1 (Keras has no stride with dilation), or strided without dilation.
      const k = g.int(2, 3);
      const dilated = g.chance(0.5);
      const d = dilated ? [g.int(2, 3), g.int(1, 2)] : [1, 1];
      const s = dilated ? 1 : 2;
      const pad = g.int(0, 1);
      const f = g.pick([2, 4]);
      hw = hw.map((n, i) => (n - 1) * s - 2 * pad + d[i] * (k - 1) + 1);
      layer(p, `nn.ConvTranspose2d(${ch}, ${f}, ${k}${s > 1 ? `, stride=${s}` : ''}${pad ? `, padding=${pad}` : ''}${dilated ? `, dilation=(${d.join(', ')})` : ''})`);
      ch = f;
    } else if (kind === 'conv') {
      const f = g.pick([2, 4, 6]);
      layer(p, `nn.Conv2d(${ch}, ${f}, 3, padding=1)`);
      p.forward.push('x = torch.tanh(x)');
      ch = f;
    } else if (kind === 'instance') {
      layer(p, `nn.InstanceNorm2d(${ch}${g.chance(0.6) ? ', affine=True' : ''}${g.chance(0.3) ? ', eps=1e-3' : ''})`);
    } else if (kind === 'group') {
      layer(p, `nn.GroupNorm(${divisor(g, ch)}, ${ch}${g.chance(0.3) ? ', affine=False' : ''})`);
    } else if (hw.every((d) => d >= 4)) {
      // A crop of both spatial axes, or of the last, with an end counted from the end or the start.
      const a = g.int(0, 1);
      const b = g.int(1, 2);
      if (g.chance(0.5)) {
        p.forward.push(`x = x[:, :, ${a}:-${b}, ${a}:]`);
        hw = [hw[0] - a - b, hw[1] - a];
      } else {
        p.forward.push(`x = x[..., ${a}:${hw[1] - b}]`);
        hw = [hw[0], hw[1] - a - b];
      }
    }
  }
  if (g.chance(0.4) && ch >= 2) {
    // A channel slice ends the model (so no later layer needs the channel count it leaves).
    const keep = g.int(1, ch - 1);
    p.forward.push(`x = x[:, :${keep}]`);
  }
  return input;
}

/** A vector model (N, F): Linear, then repeated along a new time axis into an LSTM, then slices of time or features. */
function torchSequence(g: Gen, p: TorchParts): number[] {
  const f = g.int(3, 6);
  const h = g.int(2, 5);
  const n = g.int(2, 5);
  layer(p, `nn.Linear(${f}, ${h})`);
  p.forward.push(g.chance(0.5) ? `x = x.unsqueeze(1).repeat(1, ${n}, 1)` : `x = x.unsqueeze(1).expand(-1, ${n}, -1)`);
  const units = g.int(2, 4);
  layer(p, `nn.LSTM(${h}, ${units}, batch_first=True)`, (m) => `x, _ = ${m}(x)`);
  const tail = g.pick(['time', 'features', 'step', 'none'] as const);
  if (tail === 'time' && n >= 3) p.forward.push(`x = x[:, 1:${g.chance(0.5) ? '-1' : ''}]`);
  if (tail === 'features' && units >= 2) p.forward.push(`x = x[..., :${units - 1}]`);
  if (tail === 'step') {
    p.forward.push(`x = x[:, ${g.pick(['0', '-1'])}]`);
    layer(p, `nn.Linear(${units}, 2)`);
  }
  return [f];
}

export function generateTorchLeftoverModels(count: number, seed: number): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (let id = 0; id < count; id++) {
    const g = new Gen(seed * 100_003 + id);
    const p: TorchParts = { init: [], forward: [], n: 0 };
    const input = g.chance(0.6) ? torchImage(g, p) : torchSequence(g, p);
    if (p.init.length === 0) layer(p, 'nn.Identity()');
    const source = torchModel(p.init, [...p.forward, 'return x'], `2, ${input.join(', ')}`);
    out.push({ id, framework: 'torch', source, inputShape: [2, ...input] });
  }
  return out;
}
