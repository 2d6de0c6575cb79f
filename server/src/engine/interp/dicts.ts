/**
 * Python dicts as values: `dict(...)`, `{**a, 'k': v}`, item assignment and the mutating
 * methods, so keyword dicts forwarded with `**kw` into layer constructors keep what the code
 * shows (`conv_args = dict(kernel_size=3); nn.Conv2d(3, 8, **conv_args)`).
 *
 * A mutation inside a branch whose condition is unknown is uncertain (unless the dict or list
 * itself was made in that branch): the dict entry it touches becomes unknown, so a keyword set
 * under `if args.downsample:` never reaches a layer as if it were always set; a list appended
 * to gets an unknown item and an unknown length, so `layers.append(nn.MaxPool2d(2))` under an
 * unknown condition never counts as always there.
 */
import type { EvaluatedArgs } from './bind';
import { sameValue, UNKNOWN_V, type Value } from './values';

export type DictValue = Extract<Value, { t: 'dict' }>;

/** The uncertain-branch depth each dict or list was made at (values made elsewhere count as depth 0). */
const madeAtDepth = new WeakMap<object, number>();

/** Lists an uncertain mutation reached: their length is unknown. */
const uncertainLength = new WeakSet<object>();

/** Records that `v` (a new list or dict) was made at branch depth `depth`; returns it. */
export function madeAt<V extends Value>(v: V, depth: number): V {
  madeAtDepth.set(v, depth);
  return v;
}

/** A mutation of `v` (a dict, list or container) at branch depth `depth` happens on every path that made `v`. */
export function certainAt(v: object, depth: number): boolean {
  return depth <= (madeAtDepth.get(v) ?? 0);
}

/** `len()` of a list is unknown once an uncertain mutation reached it. */
export function lengthUnknown(v: Value | undefined): boolean {
  return !!v && uncertainLength.has(v);
}

/**
 * `list.append`/`extend`/`insert` at branch depth `depth`. Certain ones change the list; an
 * uncertain one adds one unknown item (iterating then meets something unknown) and makes the
 * length unknown.
 */
export function growList(list: Extract<Value, { t: 'list' | 'tuple' }>, add: () => void, depth: number): void {
  if (certainAt(list, depth)) return add();
  list.items.push(UNKNOWN_V);
  uncertainLength.add(list);
}

/** A new dict made at branch depth `depth`; later keys replace earlier ones, as in Python. */
export function newDict(entries: [Value, Value][], depth: number): DictValue {
  const d: DictValue = { t: 'dict', entries: [] };
  for (const [k, v] of entries) putEntry(d, k, v);
  return madeAt(d, depth);
}

function putEntry(d: DictValue, key: Value, value: Value): void {
  const i = d.entries.findIndex(([k]) => sameValue(k, key));
  if (i >= 0) d.entries[i] = [key, value];
  else d.entries.push([key, value]);
}

/** `d[key] = value` at branch depth `depth`. */
export function setDictItem(d: DictValue, key: Value, value: Value, depth: number): void {
  const certain = certainAt(d, depth);
  if (key.t === 'unknown') forgetContents(d);
  else if (certain) putEntry(d, key, value);
  else {
    const old = d.entries.find(([k]) => sameValue(k, key));
    putEntry(d, key, old && sameValue(old[1], value) ? value : UNKNOWN_V);
  }
}

/**
 * The dict may now hold anything: every value becomes unknown and an unknown key is added, so
 * `**d` is passed as opaque keywords and a missing key reads as unknown.
 */
function forgetContents(d: DictValue): void {
  d.entries = d.entries.map(([k]) => [k, UNKNOWN_V]);
  putEntry(d, UNKNOWN_V, UNKNOWN_V);
}

function hasUnknownKey(d: DictValue): boolean {
  return d.entries.some(([k]) => k.t === 'unknown');
}

/** The entries a mapping or an iterable of pairs gives, or null when it is not known. */
function entriesOf(v: Value): [Value, Value][] | null {
  if (v.t === 'dict') return v.entries;
  if (v.t !== 'list' && v.t !== 'tuple') return null;
  const pairs: [Value, Value][] = [];
  for (const p of v.items) {
    if ((p.t !== 'tuple' && p.t !== 'list') || p.items.length !== 2) return null;
    pairs.push([p.items[0], p.items[1]]);
  }
  return pairs;
}

/** `dict()`, `dict(mapping)`, `dict(pairs)`, `dict(**kw)`, `dict(mapping, k=v)`. */
export function callDict(args: EvaluatedArgs, depth: number): Value {
  if (args.opaque || args.positional.length > 1) return UNKNOWN_V;
  const base = args.positional[0] ? entriesOf(args.positional[0]) : [];
  if (!base) return UNKNOWN_V;
  const kw: [Value, Value][] = [...args.keywords].map(([k, v]) => [{ t: 'str', v: k }, v]);
  return newDict([...base, ...kw], depth);
}

/** Dict methods; undefined for a method this file does not model. */
export function dictMethod(d: DictValue, name: string, args: EvaluatedArgs, depth: number): Value | undefined {
  const [a, b] = args.positional;
  const find = (key: Value | undefined) => (key ? d.entries.find(([k]) => sameValue(k, key)) : undefined);
  switch (name) {
    case 'items':
      return { t: 'list', items: d.entries.map(([k, v]) => ({ t: 'tuple', items: [k, v] })) };
    case 'keys':
      return { t: 'list', items: d.entries.map(([k]) => k) };
    case 'values':
      return { t: 'list', items: d.entries.map(([, v]) => v) };
    case 'get':
      if (!a || hasUnknownKey(d)) return find(a)?.[1] ?? UNKNOWN_V;
      return find(a)?.[1] ?? b ?? { t: 'none' };
    case 'copy':
      return newDict(d.entries, depth);
    case 'update': {
      const more = callDict(args, depth);
      if (more.t !== 'dict') forgetContents(d);
      else for (const [k, v] of more.entries) setDictItem(d, k, v, depth);
      return { t: 'none' };
    }
    case 'setdefault': {
      const hit = find(a);
      if (hit) return hit[1];
      if (!a || hasUnknownKey(d)) return UNKNOWN_V;
      setDictItem(d, a, b ?? { t: 'none' }, depth);
      return b ?? { t: 'none' };
    }
    case 'pop': {
      const hit = find(a);
      if (!hit) return hasUnknownKey(d) ? UNKNOWN_V : (b ?? UNKNOWN_V);
      if (certainAt(d, depth)) d.entries = d.entries.filter((e) => e !== hit);
      else setDictItem(d, hit[0], UNKNOWN_V, depth);
      return hit[1];
    }
    default:
      return undefined;
  }
}

/** A copy of a shared module's list or dict (`scope.ts`) keeps what was recorded of the original. */
export function keepMarks(original: object, copy: object): void {
  const depth = madeAtDepth.get(original);
  if (depth !== undefined) madeAtDepth.set(copy, depth);
  if (uncertainLength.has(original)) uncertainLength.add(copy);
}
