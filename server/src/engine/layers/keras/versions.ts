/**
 * One Keras call, three readings. Keras 1 spelled arguments differently (`nb_filter`,
 * `border_mode`, `subsample`, `dim_ordering='th'`, `Convolution2D(64, 5, 5)` for a 5x5 kernel);
 * multi-backend Keras 2.0–2.3 converted those calls with a warning ("Update your `Conv2D` call to
 * the Keras 2 API", keras/legacy/interfaces.py, `conv2d_args_preprocessor` and the
 * `legacy_*_support` conversion tables); Keras 2.4+ / tf.keras 2 reject the old keywords
 * (keras/utils/generic_utils.py `validate_kwargs`: TypeError('Keyword argument not understood:',
 * kwarg)) and read a third positional argument as `strides`; Keras 3 rejects them too
 * ("Unrecognized keyword arguments passed to …", checked against Keras 3.15) and made some
 * Keras 2 defaults required (`AveragePooling*D(pool_size)`).
 *
 * `withVersions` wraps every catalogue def so that the def itself only ever sees Keras 3 names.
 * A call asks the run's version probe only when its reading depends on the version, so a file
 * whose calls all read the same way is analysed once (see engine/versions.ts).
 */
import { BATCH, openShape, ranked } from '../../shapes';
import type { AxisTrace, KerasSemantics, KerasVersionProbe, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerIssue, LayerOutcome, ParamSpec } from '../types';
import { asInt, UNKNOWN } from '../types';
import { issue, unknownOutcome } from './common';
import { pyRepr } from './format';

/** Keras 1 keyword → Keras 2/3 parameter (renamed only where the def declares the target). */
const RENAMED: Record<string, string> = {
  nb_filter: 'filters',
  filter_length: 'kernel_size',
  subsample: 'strides',
  subsample_length: 'strides',
  border_mode: 'padding',
  dim_ordering: 'data_format',
  pool_length: 'pool_size',
  stride: 'strides',
  output_dim: 'units',
  bias: 'use_bias',
  p: 'rate',
  sigma: 'stddev',
  length: 'size',
};

/** Keras 1 keywords without any effect on shapes (initialisers, regularisers, RNN options). */
const NO_SHAPE_EFFECT = [
  'init', 'W_regularizer', 'b_regularizer', 'U_regularizer', 'W_constraint', 'b_constraint', 'U_constraint',
  'inner_init', 'inner_activation', 'dropout_W', 'dropout_U', 'consume_less', 'forget_bias_init',
];

/** Keras 1 kernel keywords, in axis order. */
const KERNEL_KEYWORDS: Record<number, string[]> = { 2: ['nb_row', 'nb_col'], 3: ['kernel_dim1', 'kernel_dim2', 'kernel_dim3'] };

const LEGACY_KEYWORDS = new Set([...Object.keys(RENAMED), ...NO_SHAPE_EFFECT, ...KERNEL_KEYWORDS[2], ...KERNEL_KEYWORDS[3]]);

/** Defaults Keras 1 and 2 had that Keras 3 made required arguments. */
const KERAS2_DEFAULTS: Record<string, Record<string, ArgValue>> = {
  AveragePooling1D: { pool_size: 2 },
  AveragePooling2D: { pool_size: [2, 2] },
  AveragePooling3D: { pool_size: [2, 2, 2] },
};

/** Convolutions whose Keras 1 form takes the kernel as separate positional ints. */
const POSITIONAL_KERNEL: Record<string, number> = {
  Conv2D: 2, SeparableConv2D: 2, Conv2DTranspose: 2, Conv3D: 3, Conv3DTranspose: 3,
};

export type { KerasSemantics };

/** The semantics of this run (Keras 3 when no probe is set, e.g. in layer tests). */
export function semanticsOf(probe: KerasVersionProbe | undefined): KerasSemantics {
  return probe ? probe.semantics() : 'keras3';
}

/** The class name of a def's first name (`Conv2D`): several checks ask at every Keras layer call, so no split array. */
function className(def: LayerDef): string {
  const name = def.names[0];
  return name.slice(name.lastIndexOf('.') + 1);
}

function legacyKeywords(args: BoundArgs): string[] {
  return args.extraKeywords.filter((k) => LEGACY_KEYWORDS.has(k));
}

function declared(def: LayerDef, name: string): ParamSpec | undefined {
  return def.params.find((p) => p.name === name);
}

/** The positional params a Keras 1 call filled with kernel ints (`Conv2D(64, 5, 5)`), or null. */
function positionalKernel(def: LayerDef, args: BoundArgs): string[] | null {
  const rank = POSITIONAL_KERNEL[className(def)];
  if (!rank || (args.positionalCount ?? 0) < rank + 1) return null;
  const names = def.params.slice(1, rank + 1).map((p) => p.name);
  return names.every((n) => asInt(args.get(n)) !== null) ? names : null;
}

/** Whether this call reads differently in some Keras version (then the run's probe is asked). */
function versionSensitive(def: LayerDef, args: BoundArgs): boolean {
  const defaults = KERAS2_DEFAULTS[className(def)];
  return legacyKeywords(args).length > 0 ||
    positionalKernel(def, args) !== null ||
    (!!defaults && Object.keys(defaults).some((n) => !args.explicit(n))) ||
    layerBatchInputShape(def, args);
}

/** `batch_input_shape` on a layer: Keras 1/2 read it, Keras 3 only on InputLayer (keras.Input is left alone). */
function layerBatchInputShape(def: LayerDef, args: BoundArgs): boolean {
  return def.kind === 'layer' && args.explicit('batch_input_shape') && !def.names.includes('keras.layers.InputLayer');
}

function dimOrdering(v: ArgValue | undefined): ArgValue {
  if (v === 'th') return 'channels_first';
  if (v === 'tf') return 'channels_last';
  if (v === 'default' || v === null) return null;
  return UNKNOWN;
}

/** The Keras 2 reading of a Keras 1 call, as Keras 2.0–2.3's converters did it. */
function legacyValues(def: LayerDef, args: BoundArgs): Map<string, ArgValue> {
  const out = new Map<string, ArgValue>();
  for (const [name, value] of Object.entries(KERAS2_DEFAULTS[className(def)] ?? {})) {
    if (!args.explicit(name)) out.set(name, value);
  }
  const kernel = positionalKernel(def, args) ?? [];
  for (const k of legacyKeywords(args)) {
    const target = RENAMED[k];
    if (!target || !declared(def, target) || (args.explicit(target) && !kernel.includes(target))) continue;
    const v = args.extra?.(k);
    out.set(target, k === 'dim_ordering' ? dimOrdering(v) : v ?? UNKNOWN);
  }
  if (kernel.length > 0) {
    out.set(kernel[0], kernel.map((n) => args.get(n) as number));
    const count = args.positionalCount ?? 0;
    // Positions after the kernel meant init, activation, ... in Keras 1; Deconvolution2D's
    // `output_shape` tuple is dropped by Keras 2.0's converter.
    const after = def.params.slice(kernel.length + 1, count).map((p) => p.name);
    const outputShape = count === kernel.length + 2 && Array.isArray(args.get(after[0]));
    if (!outputShape) for (const n of after) out.set(n, UNKNOWN);
    for (const n of kernel.slice(1)) if (!out.has(n)) out.set(n, declared(def, n)?.default ?? UNKNOWN);
  }
  const rank = POSITIONAL_KERNEL[className(def)];
  const kws = rank ? KERNEL_KEYWORDS[rank] : undefined;
  if (kws && kws.every((k) => args.extra?.(k) !== undefined)) out.set('kernel_size', kws.map((k) => args.extra?.(k) ?? UNKNOWN));
  return out;
}

function overlay(args: BoundArgs, values: Map<string, ArgValue>): BoundArgs {
  return {
    get: (n) => (values.has(n) ? values.get(n) : args.get(n)),
    explicit: (n) => values.has(n) || args.explicit(n),
    extraKeywords: args.extraKeywords.filter((k) => !LEGACY_KEYWORDS.has(k)),
    positionalCount: args.positionalCount,
    extra: args.extra,
  };
}

/** What Keras 2.4+ / tf.keras 2 or Keras 3 raise at construction for a Keras 1 or 2 call. */
function modernConstructIssue(def: LayerDef, args: BoundArgs, semantics: 'keras2' | 'keras3'): LayerIssue | null {
  const cls = className(def);
  const legacy = legacyKeywords(args);
  // Python checks required arguments before `**kwargs` reach Keras.
  const missing = def.params.find((p) => p.default === undefined && !p.variadic && !args.explicit(p.name) &&
    (legacy.some((k) => RENAMED[k] === p.name) || (semantics === 'keras3' && KERAS2_DEFAULTS[cls]?.[p.name] !== undefined)));
  if (missing) {
    // Python 3.10+ wording; older Pythons (possible with tf.keras 2) print `__init__()` alone.
    return issue('invalid-argument', `${cls}.__init__() missing 1 required positional argument: '${missing.name}'`, [
      semantics === 'keras3' && KERAS2_DEFAULTS[cls]?.[missing.name] !== undefined
        ? `Keras 3 requires ${missing.name}; Keras 1 and 2 defaulted it to ${pyRepr(KERAS2_DEFAULTS[cls][missing.name])}`
        : `${missing.name} is spelled the Keras 1 way (${legacy.join(', ')}); Keras 2.0–2.3 converted it, later versions do not`,
    ]);
  }
  if (semantics === 'keras2') {
    if (legacy.length === 0) return null;
    return issue('invalid-argument', `('Keyword argument not understood:', '${legacy[0]}')`, [
      `\`${legacy[0]}\` is a Keras 1 keyword; Keras 2.0–2.3 converted it (with a warning), Keras 2.4+ and tf.keras raise TypeError`,
      ...legacyHint(legacy),
    ]);
  }
  const unrecognized = [...legacy];
  if (layerBatchInputShape(def, args)) unrecognized.push('batch_input_shape');
  if (unrecognized.length === 0) return null;
  const dict = unrecognized.map((k) => `'${k}': ${pyRepr(k === 'batch_input_shape' ? args.get(k) : args.extra?.(k))}`).join(', ');
  return issue('invalid-argument', `Unrecognized keyword arguments passed to ${cls}: {${dict}}`, [
    unrecognized.includes('batch_input_shape')
      ? 'Keras 3 layers take no batch_input_shape: start the model with keras.Input(batch_shape=...) instead'
      : `Keras 3 no longer converts Keras 1 keywords (${legacy.join(', ')})`,
    ...legacyHint(legacy),
  ]);
}

function legacyHint(legacy: string[]): string[] {
  const renames = legacy.filter((k) => RENAMED[k]).map((k) => `${k} → ${RENAMED[k]}`);
  return renames.length ? [`Keras 2 names: ${renames.join(', ')}`] : [];
}

/** For hovers: how a Keras 1 call was read, and that later versions read it otherwise. */
function legacyNote(def: LayerDef, args: BoundArgs): AxisTrace | null {
  const kernel = positionalKernel(def, args);
  const renames = legacyKeywords(args).filter((k) => RENAMED[k]).map((k) => `${k} → ${RENAMED[k]}`);
  const parts = [
    ...(kernel ? [`${className(def)}(${[args.get(def.params[0].name), ...kernel.map((n) => args.get(n))].map((v) => pyRepr(v as ArgValue)).join(', ')}) ` +
      `is a ${kernel.map((n) => args.get(n)).join('x')} kernel`] : []),
    ...(renames.length ? [renames.join(', ')] : []),
  ];
  if (parts.length === 0) return null;
  return {
    axis: 'Keras 1',
    formula: `${parts.join('; ')} (Keras 2.0–2.3 convert this with a warning; Keras 2.4+ and 3 read it differently)`,
  };
}

/** `def` reading its arguments the way the run's Keras version does. */
export function withVersions(def: LayerDef): LayerDef {
  const readArgs = (args: BoundArgs, env: LayerEnv): { args: BoundArgs; issue: LayerIssue | null; legacy?: boolean } => {
    if (!versionSensitive(def, args)) return { args, issue: null };
    const semantics = semanticsOf(env.kerasVersion);
    if (semantics === 'legacy') return { args: overlay(args, legacyValues(def, args)), issue: null, legacy: true };
    const defaults = semantics === 'keras2' ? KERAS2_DEFAULTS[className(def)] ?? {} : {};
    const values = new Map(Object.entries(defaults).filter(([n]) => !args.explicit(n)));
    return { args: overlay(args, values), issue: modernConstructIssue(def, args, semantics) };
  };
  return {
    ...def,
    construct: (args, env) => {
      const read = readArgs(args, env);
      return read.issue ?? def.construct?.(read.args, env) ?? null;
    },
    apply: (args, inputs, env, state): LayerOutcome => {
      const read = readArgs(args, env);
      // The constructor raised: the layer never exists, nothing after it is known.
      if (read.issue) return unknownOutcome(null);
      const outcome = def.apply(read.args, inputs, env, state);
      const note = read.legacy ? legacyNote(def, args) : null;
      return note ? { ...outcome, trace: [...(outcome.trace ?? []), note] } : outcome;
    },
  };
}

const RECURRENT = ['keras.layers.LSTM', 'keras.layers.GRU', 'keras.layers.SimpleRNN'];

/**
 * Input shapes that Keras 1/2 read from a first layer and Keras 3 does not: Embedding's
 * `input_length` (tf.keras sets `input_shape=(input_length,)`), and `input_dim` with
 * `input_length` on recurrent layers and Keras 1's Convolution1D (`(input_length, input_dim)`).
 * Null when Keras 3's reading (declared `input_shape` / `input_dim`) applies.
 */
export function versionedKerasInput(qname: string, args: BoundArgs, probe: KerasVersionProbe | undefined): Shape | null {
  const declaredShape = ['input_shape', 'batch_input_shape', 'batch_shape'].some((n) => args.explicit(n));
  if (declaredShape) return null;
  const bs = args.get('batch_size');
  const batch = typeof bs === 'number' ? bs : BATCH;
  const length = args.get('input_length') ?? args.extra?.('input_length');
  const len = asInt(length === undefined ? null : length);
  if (qname === 'keras.layers.Embedding') {
    if (!args.explicit('input_length')) return null;
    return semanticsOf(probe) === 'keras3' ? null : ranked([batch, len]);
  }
  const dim = asInt(args.get('input_dim') ?? null);
  const conv1d = qname === 'keras.layers.Conv1D' || qname === 'keras.layers.Convolution1D';
  if (dim === null || (!conv1d && !RECURRENT.includes(qname)) || (conv1d && length === undefined)) return null;
  const semantics = semanticsOf(probe);
  if (semantics === 'keras3' || (conv1d && semantics === 'keras2')) return null;
  return ranked([batch, len, dim]);
}

/**
 * A model built on a declared input, called on a tensor one trailing axis of size 1 longer or
 * shorter: Keras 3 (`Functional._adjust_input_rank`, checked against Keras 3.15) and tf.keras 2
 * (`Functional._conform_to_reference_input`) squeeze or expand that axis instead of raising;
 * Keras 1 and 2.0–2.3 do not. The adjusted shape, or null when nothing changes.
 */
export function adjustedInputRank(declaredInput: Shape, x: Shape, probe: KerasVersionProbe | undefined): Shape | null {
  if (declaredInput.open || x.open) return null;
  const ref = declaredInput.dims;
  const got = x.dims;
  const oneMore = got.length === ref.length + 1;
  const oneLess = got.length === ref.length - 1;
  // Asked only when the ranks differ by one: asking makes the whole file run once per reading.
  if ((!oneMore && !oneLess) || semanticsOf(probe) === 'legacy') return null;
  // Whether the axis is squeezed or expanded hangs on a size of 1 the code does not show: the
  // rank Keras goes on with is unknown (it may also raise "Invalid input shape").
  if ((oneMore && got[got.length - 1] === null) || (oneLess && ref[ref.length - 1] === null)) return openShape();
  const squeeze = oneMore && got[got.length - 1] === 1;
  const expand = oneLess && ref[ref.length - 1] === 1;
  if (!squeeze && !expand) return null;
  return ranked(squeeze ? got.slice(0, -1) : [...got, 1]);
}
