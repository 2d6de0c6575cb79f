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
    private readonly values: Map<string, ArgValue>,
    private readonly given: Set<string>,
    readonly extraKeywords: string[],
    /** Raw interpreter values, for callers that need more than ArgValues. */
    readonly raw: Map<string, Value>,
    readonly positionalCount = 0,
  ) {}

  extra(name: string): ArgValue | undefined {
    const v = this.extraKeywords.includes(name) ? this.raw.get(name) : undefined;
    return v === undefined ? undefined : toArgValue(v);
  }

  get(name: string): ArgValue | undefined {
    return this.values.get(name);
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
    return new Bound(values, given, this.extraKeywords, this.raw, this.positionalCount);
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
  const known = paramNames(params);
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
  for (const p of params) {
    if (values.has(p.name)) continue;
    // With opaque *args/**kwargs we cannot know what was passed: unknown, not the default.
    if (args.opaque) values.set(p.name, UNKNOWN);
    else if (p.default !== undefined) values.set(p.name, p.default);
  }
  return new Bound(values, given, extra, raw, args.positional.length);
}

/** The names of a def's parameters, once per parameter list (the catalogue's lists are fixed). */
const namesOf = new WeakMap<ParamSpec[], Set<string>>();

function paramNames(params: ParamSpec[]): Set<string> {
  let names = namesOf.get(params);
  if (!names) namesOf.set(params, (names = new Set(params.map((p) => p.name))));
  return names;
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
