/**
 * torch.nn.MultiheadAttention and the Transformer family (torch/nn/modules/activation.py,
 * transformer.py; the checks of F.multi_head_attention_forward, in its order). Inputs are
 * (L, N, E), (N, L, E) with batch_first, or unbatched (L, E).
 */
import { isKnown } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { asInt, isTensor, tensor, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import { asLayerObject } from '../keras/rnn';
import { asBool, failed, issue, knownProduct, msgDim, msgSizes, out, showShape } from './common';
import { layerNormIssue } from './norm';

const DEVICE: ParamSpec[] = [{ name: 'device', default: null }, { name: 'dtype', default: null }];

/** `torch.Size([7, 2, 16])`, as an assertion message prints a shape. */
function torchSize(dims: Dim[]): string {
  return `torch.Size(${msgSizes(dims)})`;
}

function shapeAt(inputs: (TensorValue | ArgValue)[], i: number): Shape | null | undefined {
  const v = inputs[i];
  if (v === undefined || v === null) return undefined;
  return isTensor(v) ? v.shape : null;
}

/** The assertion in MultiheadAttention.__init__ (also run by every Transformer layer). */
function headsIssue(embed: number | null, heads: number | null): LayerIssue | null {
  if (embed === null || heads === null || heads <= 0 || Math.floor(embed / heads) * heads === embed) return null;
  return issue('invalid-argument', 'embed_dim must be divisible by num_heads', [`embed_dim=${embed} cannot be split into ${heads} heads of equal size.`]);
}

interface Mha {
  e: number | null;
  heads: number | null;
  bias: boolean | null;
  biasKv: boolean | null;
  zeroAttn: boolean | null;
  kdim: number | null;
  vdim: number | null;
  batchFirst: boolean | null;
}

function decodeMha(args: BoundArgs): Mha {
  const e = asInt(args.get('embed_dim'));
  const kd = args.get('kdim'), vd = args.get('vdim');
  return {
    e,
    heads: asInt(args.get('num_heads')),
    bias: asBool(args.get('bias')),
    biasKv: asBool(args.get('add_bias_kv')),
    zeroAttn: asBool(args.get('add_zero_attn')),
    kdim: kd === null ? e : asInt(kd),
    vdim: vd === null ? e : asInt(vd),
    batchFirst: asBool(args.get('batch_first')),
  };
}

/** In-projections (packed or separate), out_proj, and bias_k/bias_v. */
function mhaParams(m: Mha): number | null {
  const { e, kdim, vdim, bias, biasKv } = m;
  if (e === null || kdim === null || vdim === null || bias === null || biasKv === null) return null;
  const inProj = e * e + e * kdim + e * vdim + (bias ? 3 * e : 0);
  return inProj + e * e + (bias ? e : 0) + (biasKv ? 2 * e : 0);
}

interface Attended {
  output: Shape | null;
  weights: Shape | null;
  issue?: LayerIssue;
}

const UNKNOWN_ATTENTION: Attended = { output: null, weights: null };

/** Batch-first inputs are transposed to (L, N, E) before the checks and back after. */
function seqFirst(s: Shape, batchFirst: boolean): Dim[] {
  return batchFirst && s.dims.length === 3 ? [s.dims[1], s.dims[0], s.dims[2]] : s.dims;
}

/**
 * F.multi_head_attention_forward on closed shapes. `kIsV`: key and value are one object (the
 * packed projection then runs one linear over the key; only then is its message certain).
 */
function attend(m: Mha, q: Shape, k: Shape, v: Shape, kIsV: boolean, needWeights: boolean | null, average: boolean | null): Attended {
  if (q.open || k.open || v.open || m.batchFirst === null || m.e === null || m.heads === null) return UNKNOWN_ATTENTION;
  const rq = q.dims.length, rk = k.dims.length, rv = v.dims.length;
  const bad = (message: string, why: string): Attended => ({ ...UNKNOWN_ATTENTION, issue: issue('features-mismatch', message, [why]) });
  if (rq === 3 && (rk !== 3 || rv !== 3))
    return { ...UNKNOWN_ATTENTION, issue: rankIssue(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${rk}-D and ${rv}-D tensors respectively`, q, k, v) };
  if (rq === 2 && (rk !== 2 || rv !== 2))
    return { ...UNKNOWN_ATTENTION, issue: rankIssue(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${rk}-D and ${rv}-D tensors respectively`, q, k, v) };
  if (rq !== 2 && rq !== 3)
    return { ...UNKNOWN_ATTENTION, issue: rankIssue(`query should be unbatched 2D or batched 3D tensor but received ${rq}-D query tensor`, q, k, v) };
  const batched = rq === 3;
  const [Q, K, V] = [q, k, v].map((s) => (batched ? seqFirst(s, m.batchFirst!) : [s.dims[0], 1, s.dims[1]]));
  const [L, N, E] = Q;
  if (isKnown(E) && E !== m.e) return bad(`was expecting embedding dimension of ${m.e}, but got ${E}`, `MultiheadAttention(embed_dim=${m.e}) but the query ${showShape(q)} has ${E} features in its last axis.`);
  const separate = m.kdim !== m.e || m.vdim !== m.e;
  // Two dims certainly differ only when both are known numbers.
  const differ = (a: Dim[], b: Dim[]) => a.length !== b.length || a.some((d, i) => isKnown(d) && isKnown(b[i]) && d !== b[i]);
  const allKnown = (a: Dim[]) => a.every(isKnown);
  if (separate) {
    if (differ(K.slice(0, 2), V.slice(0, 2))) {
      if (!allKnown([...K.slice(0, 2), ...V.slice(0, 2)])) return UNKNOWN_ATTENTION;
      return bad(`key's sequence and batch dims ${torchSize(K.slice(0, 2))} do not match value's ${torchSize(V.slice(0, 2))}`, `key ${showShape(k)} and value ${showShape(v)} differ in length or batch.`);
    }
    for (const [name, dims, want] of [['key', K, m.kdim], ['value', V, m.vdim]] as const) {
      const got = dims[2];
      if (isKnown(got) && want !== null && got !== want)
        return bad(`expecting ${name} weights shape of (${m.e}, ${got}), but got ${torchSize([m.e, want])}`, `${name === 'key' ? 'kdim' : 'vdim'}=${want} but the ${name} ${showShape(name === 'key' ? k : v)} has ${got} features.`);
    }
  } else {
    if (differ(K, V)) {
      if (!allKnown([...K, ...V])) return UNKNOWN_ATTENTION;
      return bad(`key shape ${torchSize(K)} does not match value shape ${torchSize(V)}`, `key ${showShape(k)} and value ${showShape(v)} must have one shape.`);
    }
    const kE = K[2];
    if (isKnown(kE) && kE !== m.e) {
      const rows = knownProduct(K.slice(0, 2));
      if (!kIsV || rows === null) return UNKNOWN_ATTENTION;
      return bad(`mat1 and mat2 shapes cannot be multiplied (${rows}x${kE} and ${m.e}x${2 * m.e})`, `the key/value ${showShape(k)} has ${kE} features; the attention projects ${m.e}.`);
    }
  }
  const S0 = K[0], Nk = K[1];
  if (isKnown(N) && isKnown(Nk) && N !== Nk) {
    if (m.biasKv !== false || !isKnown(S0)) return UNKNOWN_ATTENTION;
    const hd = Math.floor(m.e / m.heads);
    return bad(`shape '${msgSizes([S0, N * m.heads, hd])}' is invalid for input of size ${S0 * Nk * m.e}`, `query batch ${N} but key batch ${Nk}.`);
  }
  if (m.biasKv === null || m.zeroAttn === null) return { output: outShape(q, [L, N, m.e], batched, m.batchFirst!), weights: null };
  const S = isKnown(S0) ? S0 + (m.biasKv ? 1 : 0) + (m.zeroAttn ? 1 : 0) : null;
  const output = outShape(q, [L, N, m.e], batched, m.batchFirst!);
  if (needWeights !== true || average === null) return { output, weights: null };
  const w = average ? [N, L, S] : [N, m.heads, L, S];
  return { output, weights: { dims: batched ? w : w.slice(1), open: false } };
}

function rankIssue(message: string, q: Shape, k: Shape, v: Shape): LayerIssue {
  return issue('rank-mismatch', message, [`query ${showShape(q)}, key ${showShape(k)}, value ${showShape(v)}: attention takes (L, N, E) or unbatched (L, E).`]);
}

function outShape(q: Shape, lne: Dim[], batched: boolean, batchFirst: boolean): Shape {
  const [L, N, E] = lne;
  if (!batched) return { dims: [L, E], open: false };
  return { dims: batchFirst ? [N, L, E] : [L, N, E], open: false };
}

function applyMha(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const m = decodeMha(args);
  const params = mhaParams(m);
  const [q, k, v] = [0, 1, 2].map((i) => shapeAt(inputs, i));
  const unknown: LayerOutcome = { output: [tensor(null, 'torch'), tensor(null, 'torch')], params };
  if (!q || !k || !v) return unknown;
  const r = attend(m, q, k, v, false, asBool(inputs[4] as ArgValue), asBool(inputs[6] as ArgValue));
  if (r.issue) return failed(r.issue, params);
  return { output: [tensor(r.output, 'torch'), r.weights ? tensor(r.weights, 'torch') : asBool(inputs[4] as ArgValue) === false ? null : tensor(null, 'torch')], params };
}

const MHA_PARAMS: ParamSpec[] = [
  { name: 'embed_dim' },
  { name: 'num_heads' },
  { name: 'dropout', default: 0.0 },
  { name: 'bias', default: true },
  { name: 'add_bias_kv', default: false },
  { name: 'add_zero_attn', default: false },
  { name: 'kdim', default: null },
  { name: 'vdim', default: null },
  { name: 'batch_first', default: false },
  ...DEVICE,
];

// ------------------------------------------------------------ Transformer layers

interface Block {
  d: number | null;
  heads: number | null;
  ff: number | null;
  bias: boolean | null;
  batchFirst: boolean | null;
  normFirst: boolean | null;
}

function decodeBlock(args: BoundArgs): Block {
  return {
    d: asInt(args.get('d_model')),
    heads: asInt(args.get('nhead')),
    ff: asInt(args.get('dim_feedforward')),
    bias: asBool(args.get('bias')),
    batchFirst: asBool(args.get('batch_first')),
    normFirst: asBool(args.get('norm_first')),
  };
}

function blockMha(b: Block): Mha {
  return { e: b.d, heads: b.heads, bias: b.bias, biasKv: false, zeroAttn: false, kdim: b.d, vdim: b.d, batchFirst: b.batchFirst };
}

/** One layer: `attentions` MHAs, linear1/linear2 and `norms` LayerNorms, all with `bias`. */
function blockParams(b: Block, attentions: number, norms: number): number | null {
  const mha = mhaParams(blockMha(b));
  if (mha === null || b.d === null || b.ff === null || b.bias === null) return null;
  const ffn = 2 * b.d * b.ff + (b.bias ? b.ff + b.d : 0);
  return attentions * mha + ffn + norms * b.d * (b.bias ? 2 : 1);
}

/** With norm_first the first LayerNorm sees the input before the attention does. */
function normFirstIssue(b: Block, x: Shape): LayerIssue | null {
  return b.normFirst === true && b.d !== null ? layerNormIssue(x, [b.d]) : null;
}

/** TransformerEncoderLayer: self-attention and a feed-forward block; the shape is kept. */
function encoderBlock(b: Block, x: Shape): Attended {
  const pre = normFirstIssue(b, x);
  if (pre) return { ...UNKNOWN_ATTENTION, issue: pre };
  const r = attend(blockMha(b), x, x, x, true, false, true);
  return r.issue || !r.output ? r : { output: x, weights: null };
}

/** TransformerDecoderLayer: self-attention on tgt, then attention over memory. */
function decoderBlock(b: Block, x: Shape, mem: Shape): Attended {
  const self = encoderBlock(b, x);
  if (self.issue || !self.output) return self;
  const r = attend(blockMha(b), x, mem, mem, true, false, true);
  return r.issue || !r.output ? r : { output: x, weights: null };
}

function blockOutcome(r: Attended, params: number | null): LayerOutcome {
  return r.issue ? failed(r.issue, params) : out(r.output, { params });
}

const BLOCK_PARAMS: ParamSpec[] = [
  { name: 'd_model' },
  { name: 'nhead' },
  { name: 'dim_feedforward', default: 2048 },
  { name: 'dropout', default: 0.1 },
  { name: 'activation', default: 'relu' },
  { name: 'layer_norm_eps', default: 1e-5 },
  { name: 'batch_first', default: false },
  { name: 'norm_first', default: false },
  { name: 'bias', default: true },
  ...DEVICE,
];

function applyEncoderLayer(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const b = decodeBlock(args);
  const params = blockParams(b, 1, 2);
  const x = shapeAt(inputs, 0);
  return x ? blockOutcome(encoderBlock(b, x), params) : out(null, { params });
}

function applyDecoderLayer(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const b = decodeBlock(args);
  const params = blockParams(b, 2, 3);
  const x = shapeAt(inputs, 0), mem = shapeAt(inputs, 1);
  return x && mem ? blockOutcome(decoderBlock(b, x, mem), params) : out(null, { params });
}

/** The parameters of an optional `norm=` module (a LayerNorm object, or None). */
function normParams(v: ArgValue | undefined): number | null {
  if (v === null) return 0;
  const n = asLayerObject(v);
  return n ? (n.def.apply(n.args, [tensor(null, 'torch')], { kerasDataFormat: 'channels_last', kerasDataFormatSource: '', layerName: '', hybridized: false }, undefined).params ?? 0) : null;
}

/** TransformerEncoder/Decoder: `num_layers` deep copies of the given layer, then `norm`. */
function applyStack(args: BoundArgs, inputs: (TensorValue | ArgValue)[], layerCls: string, run: (b: Block, x: Shape, mem: Shape | null) => Attended): LayerOutcome {
  const layer = asLayerObject(args.get('encoder_layer') ?? args.get('decoder_layer'));
  const n = asInt(args.get('num_layers'));
  const np = normParams(args.get('norm'));
  if (!layer || layer.def.names[0] !== layerCls || n === null) return out(null, { params: null });
  const b = decodeBlock(layer.args);
  const one = blockParams(b, layerCls.endsWith('DecoderLayer') ? 2 : 1, layerCls.endsWith('DecoderLayer') ? 3 : 2);
  const params = one === null || np === null ? null : n * one + np;
  const x = shapeAt(inputs, 0), mem = shapeAt(inputs, 1) ?? null;
  if (!x || n === 0) return out(x ?? null, { params });
  return blockOutcome(run(b, x, mem), params);
}

/** nn.Transformer.forward's own checks, then the encoder on src and the decoder on tgt. */
function applyTransformer(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const b = decodeBlock(args);
  const ne = asInt(args.get('num_encoder_layers')), nd = asInt(args.get('num_decoder_layers'));
  const custom = args.get('custom_encoder') !== null || args.get('custom_decoder') !== null;
  const enc = blockParams(b, 1, 2), dec = blockParams(b, 2, 3);
  const norm = b.d !== null && b.bias !== null ? b.d * (b.bias ? 2 : 1) : null;
  const params = custom || ne === null || nd === null || enc === null || dec === null || norm === null ? null : ne * enc + nd * dec + 2 * norm;
  const src = shapeAt(inputs, 0), tgt = shapeAt(inputs, 1);
  if (!src || !tgt || custom || src.open || tgt.open || b.batchFirst === null) return out(null, { params });
  const batchAxis = b.batchFirst ? 0 : 1;
  const sb = src.dims[batchAxis], tb = tgt.dims[batchAxis];
  const wrong = (message: string, why: string) => failed(issue('features-mismatch', message, [why]), params);
  if (src.dims.length === 3 && tgt.dims.length > batchAxis && isKnown(sb) && isKnown(tb) && sb !== tb)
    return wrong('the batch number of src and tgt must be equal', `src ${showShape(src)} has batch ${sb} but tgt ${showShape(tgt)} has ${tb} (batch axis ${batchAxis}).`);
  const sE = src.dims[src.dims.length - 1], tE = tgt.dims[tgt.dims.length - 1];
  if (b.d !== null && ((isKnown(sE) && sE !== b.d) || (isKnown(tE) && tE !== b.d)))
    return wrong('the feature number of src and tgt must be equal to d_model', `d_model=${b.d} but src ${showShape(src)} and tgt ${showShape(tgt)} end in ${msgDim(sE)} and ${msgDim(tE)}.`);
  const memory = ne === 0 ? { output: src, weights: null } : encoderBlock(b, src);
  if (memory.issue || !memory.output) return blockOutcome(memory, params);
  return blockOutcome(nd === 0 ? { output: tgt, weights: null } : decoderBlock(b, tgt, memory.output), params);
}

function layerDef(cls: string, params: ParamSpec[], apply: LayerDef['apply'], callParams: string[], construct?: LayerDef['construct']): LayerDef {
  return { framework: 'torch', names: [`torch.nn.${cls}`], params, kind: 'layer', apply, construct, callParams: callParams.map((name) => ({ name, default: null })) };
}

const blockHeads = (args: BoundArgs) => headsIssue(asInt(args.get('d_model')), asInt(args.get('nhead')));

export const attentionLayers: LayerDef[] = [
  {
    ...layerDef('MultiheadAttention', MHA_PARAMS, applyMha, ['key', 'value', 'key_padding_mask', 'need_weights', 'attn_mask', 'average_attn_weights', 'is_causal'], (args) =>
      headsIssue(asInt(args.get('embed_dim')), asInt(args.get('num_heads'))),
    ),
    callParams: [
      { name: 'key', default: null },
      { name: 'value', default: null },
      { name: 'key_padding_mask', default: null },
      { name: 'need_weights', default: true },
      { name: 'attn_mask', default: null },
      { name: 'average_attn_weights', default: true },
      { name: 'is_causal', default: false },
    ],
  },
  layerDef('TransformerEncoderLayer', BLOCK_PARAMS, applyEncoderLayer, ['src_mask', 'src_key_padding_mask', 'is_causal'], blockHeads),
  layerDef('TransformerDecoderLayer', BLOCK_PARAMS, applyDecoderLayer, ['memory', 'tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask'], blockHeads),
  layerDef(
    'TransformerEncoder',
    [{ name: 'encoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }, { name: 'enable_nested_tensor', default: true }, { name: 'mask_check', default: true }],
    (args, inputs) => applyStack(args, inputs, 'torch.nn.TransformerEncoderLayer', (b, x) => encoderBlock(b, x)),
    ['mask', 'src_key_padding_mask', 'is_causal'],
  ),
  layerDef(
    'TransformerDecoder',
    [{ name: 'decoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }],
    (args, inputs) => applyStack(args, inputs, 'torch.nn.TransformerDecoderLayer', (b, x, mem) => (mem ? decoderBlock(b, x, mem) : UNKNOWN_ATTENTION)),
    ['memory', 'tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask'],
  ),
  layerDef(
    'Transformer',
    [
      { name: 'd_model', default: 512 },
      { name: 'nhead', default: 8 },
      { name: 'num_encoder_layers', default: 6 },
      { name: 'num_decoder_layers', default: 6 },
      { name: 'dim_feedforward', default: 2048 },
      { name: 'dropout', default: 0.1 },
      { name: 'activation', default: 'relu' },
      { name: 'custom_encoder', default: null },
      { name: 'custom_decoder', default: null },
      { name: 'layer_norm_eps', default: 1e-5 },
      { name: 'batch_first', default: false },
      { name: 'norm_first', default: false },
      { name: 'bias', default: true },
      ...DEVICE,
    ],
    applyTransformer,
    ['tgt', 'src_mask', 'tgt_mask', 'memory_mask', 'src_key_padding_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask'],
    blockHeads,
  ),
];
