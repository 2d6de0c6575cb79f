/** Binds evaluated call arguments to a LayerDef's parameters (Python's positional/keyword rules). */
import { TUPLE_ARGS, UNKNOWN, type ArgValue, type BoundArgs, type ParamSpec, type TensorValue } from '../layers/types';
import { UNKNOWN_V, type Value } from './values';

export interface EvaluatedArgs {
  positional: Value[];
  keywords: Map<string, Value>;
  /** `*args`/`**kwargs` of unknown content were passed: anything may be bound. */
  opaque: boolean;
  /** A `*args` of unknown length was passed: a variadic parameter's length is unknown too. */
  unknownStar?: boolean;
}

export class Bound implements BoundArgs {
  constructor(
    /** The values given, by parameter name (a variadic parameter's always): defaults are read from `params`. */
    private readonly values: Map<string, ArgValue>,
    private readonly given: Set<string>,
    readonly extraKeywords: string[],
    /** Raw interpreter values, for callers that need more than ArgValues. */
    readonly raw: Map<string, Value>,
    readonly positionalCount = 0,
    private readonly params: ParamSpec[] = [],
    /** `*args`/`**kwargs` of unknown content were passed: a parameter not given is unknown, not its default. */
    private readonly opaque = false,
  ) {}

  extra(name: string): ArgValue | undefined {
    const v = this.extraKeywords.includes(name) ? this.raw.get(name) : undefined;
    return v === undefined ? undefined : toArgValue(v);
  }

  get(name: string): ArgValue | undefined {
    const v = this.values.get(name);
    if (v !== undefined) return v;
    // Not given: the default, looked up when asked (most of a layer's many parameters are
    // never given and never read; a map of them all per construction was 4% of what a check allocated).
    const p = specsOf(this.params).get(name);
    if (!p) return undefined;
    return this.opaque ? UNKNOWN : p.default;
  }

  explicit(name: string): boolean {
    return this.given.has(name);
  }

  /** Returns a copy with some values replaced (used for layout re-runs and fixes). */
  with(overrides: Record<string, ArgValue>): Bound {
    const values = new Map(this.values);
    const given = new Set(this.given);
    for (const [k, v] of Object.entries(overrides)) {
      values.set(k, v);
      given.add(k);
    }
    return new Bound(values, given, this.extraKeywords, this.raw, this.positionalCount, this.params, this.opaque);
  }
}

export function bindArgs(params: ParamSpec[], args: EvaluatedArgs): Bound {
  const values = new Map<string, ArgValue>();
  const raw = new Map<string, Value>();
  const given = new Set<string>();
  let i = 0;
  for (const p of params) {
    if (p.variadic) {
      const rest = args.positional.slice(i);
      i = args.positional.length;
      values.set(p.name, args.unknownStar ? UNKNOWN : rest.map(toArgValue));
      raw.set(p.name, args.unknownStar ? UNKNOWN_V : { t: 'tuple', items: rest });
      if (rest.length || args.unknownStar) given.add(p.name);
      continue;
    }
    if (i < args.positional.length) {
      const v = args.positional[i++];
      values.set(p.name, toArgValue(v));
      raw.set(p.name, v);
      given.add(p.name);
    }
  }
  const extra: string[] = [];
  const known = specsOf(params);
  for (const [k, v] of args.keywords) {
    if (!known.has(k)) {
      extra.push(k);
      raw.set(k, v);
      continue;
    }
    values.set(k, toArgValue(v));
    raw.set(k, v);
    given.add(k);
  }
  return new Bound(values, given, extra, raw, args.positional.length, params, args.opaque);
}

/** The parameters of a def by name (the first of a name), once per parameter list (the catalogue's lists are fixed). */
const specsByList = new WeakMap<ParamSpec[], Map<string, ParamSpec>>();

function specsOf(params: ParamSpec[]): Map<string, ParamSpec> {
  let specs = specsByList.get(params);
  if (!specs) {
    specs = new Map();
    for (const p of params) if (!specs.has(p.name)) specs.set(p.name, p);
    specsByList.set(params, specs);
  }
  return specs;
}

export function toArgValue(v: Value): ArgValue {
  switch (v.t) {
    case 'num':
      return v.v;
    case 'str':
      return v.v;
    case 'bool':
      return v.v;
    case 'none':
      return null;
    case 'tuple': {
      const items = v.items.map(toArgValue);
      TUPLE_ARGS.add(items);
      return items;
    }
    case 'list':
      return v.items.map(toArgValue);
    case 'range': {
      const out: number[] = [];
      for (let x = v.start; v.step > 0 ? x < v.stop : x > v.stop; x += v.step) {
        out.push(x);
        if (out.length > 10000) return UNKNOWN;
      }
      return out;
    }
    case 'dict':
      return { kind: 'dict', entries: v.entries.map(([a, b]) => [toArgValue(a), toArgValue(b)]) };
    case 'tensor':
      return { kind: 'tensor', shape: v.shape, lib: v.lib } satisfies TensorValue;
    case 'layer':
      // Wrapper layers (Keras Bidirectional, TimeDistributed) receive the wrapped layer object.
      return { kind: 'layer', def: v.def, args: v.args } as unknown as ArgValue;
    default:
      return UNKNOWN;
  }
}

/**
 * A layer call's inputs in `callParams` order: the positional inputs, then each call parameter
 * not given positionally, from its keyword or its default (`ct(x, output_size=(10, 10))`).
 */
export function layerCallInputs(callParams: ParamSpec[] | undefined, args: EvaluatedArgs): ArgValue[] {
  const inputs = args.positional.map(toArgValue);
  if (!callParams || inputs.length === 0) return inputs;
  for (let i = inputs.length - 1; i < callParams.length; i++) {
    const p = callParams[i];
    const kw = args.keywords.get(p.name);
    inputs.push(kw ? toArgValue(kw) : args.opaque ? UNKNOWN : p.default !== undefined ? p.default : UNKNOWN);
  }
  return inputs;
}
