/**
 * Python built-ins and `math` functions the constant evaluator understands. Each charges the
 * meter for the items it reads or builds (`sum(x)` over n items costs n steps).
 */
import type { Meter } from '../budget';
import { num, UNKNOWN_V, type Value } from './values';

function asNumber(v: Value | undefined): number | null {
  if (!v) return null;
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

export function callBuiltin(name: string, args: Value[], meter: Meter): Value | undefined {
  switch (name) {
    case 'len': {
      const a = args[0];
      if (!a) return UNKNOWN_V;
      if (a.t === 'tuple' || a.t === 'list') return num(a.items.length);
      if (a.t === 'str') return num(a.v.length);
      if (a.t === 'dict') return num(a.entries.length);
      if (a.t === 'range') return num(Math.max(0, Math.ceil((a.stop - a.start) / a.step)));
      if (a.t === 'tensor' && a.shape && !a.shape.open && typeof a.shape.dims[0] === 'number') return num(a.shape.dims[0]);
      return UNKNOWN_V;
    }
    case 'int': {
      const a = args[0];
      if (a?.t === 'str' && /^\s*-?\d+\s*$/.test(a.v)) return num(parseInt(a.v, 10));
      const n = asNumber(a);
      return n === null ? UNKNOWN_V : num(Math.trunc(n));
    }
    case 'float': {
      const n = asNumber(args[0]);
      return n === null ? UNKNOWN_V : num(n, true);
    }
    case 'abs': {
      const n = asNumber(args[0]);
      return n === null ? UNKNOWN_V : num(Math.abs(n), args[0]?.t === 'num' && args[0].isFloat);
    }
    case 'min':
    case 'max': {
      const items = args.length === 1 && (args[0].t === 'tuple' || args[0].t === 'list') ? args[0].items : args;
      meter.charge(items.length);
      const ns = items.map(asNumber);
      if (ns.length === 0 || ns.some((x) => x === null)) return UNKNOWN_V;
      return num(name === 'min' ? Math.min(...(ns as number[])) : Math.max(...(ns as number[])));
    }
    case 'sum': {
      const a = args[0];
      if (!a || (a.t !== 'tuple' && a.t !== 'list')) return UNKNOWN_V;
      meter.charge(a.items.length);
      const ns = a.items.map(asNumber);
      return ns.some((x) => x === null) ? UNKNOWN_V : num((ns as number[]).reduce((x, y) => x + y, 0));
    }
    case 'range': {
      const ns = args.map(asNumber);
      if (ns.some((x) => x === null || !Number.isInteger(x))) return UNKNOWN_V;
      const [a, b, c] = ns as number[];
      if (ns.length === 1) return { t: 'range', start: 0, stop: a, step: 1 };
      if (ns.length === 2) return { t: 'range', start: a, stop: b, step: 1 };
      if (ns.length === 3 && c !== 0) return { t: 'range', start: a, stop: b, step: c };
      return UNKNOWN_V;
    }
    case 'tuple':
    case 'list': {
      const a = args[0];
      if (!a) return { t: name, items: [] };
      const items = itemsOf(a, meter);
      return items ? { t: name, items: a.t === 'range' ? items : [...items] } : UNKNOWN_V;
    }
    case 'enumerate': {
      const items = itemsOf(args[0], meter);
      const start = args[1]?.t === 'num' ? args[1].v : 0;
      return items ? { t: 'list', items: items.map((v, i) => ({ t: 'tuple', items: [num(start + i), v] })) } : UNKNOWN_V;
    }
    case 'zip': {
      const lists = args.map((a) => itemsOf(a, meter));
      if (lists.length === 0 || lists.some((l) => l === null)) return UNKNOWN_V;
      const n = Math.min(...lists.map((l) => l!.length));
      return { t: 'list', items: Array.from({ length: n }, (_, i) => ({ t: 'tuple', items: lists.map((l) => l![i]) })) };
    }
    case 'reversed': {
      const items = itemsOf(args[0], meter);
      return items ? { t: 'list', items: [...items].reverse() } : UNKNOWN_V;
    }
    case 'round': {
      const n = asNumber(args[0]);
      return n === null ? UNKNOWN_V : num(roundHalfEven(n));
    }
    case 'str':
    case 'isinstance':
    case 'print':
    case 'getattr':
    case 'hasattr':
    case 'super':
      return undefined;
    default:
      return undefined;
  }
}

export function callMath(name: string, args: Value[], meter: Meter): Value {
  if (name === 'prod') {
    const a = args[0];
    if (!a || (a.t !== 'tuple' && a.t !== 'list')) return UNKNOWN_V;
    meter.charge(a.items.length);
    const ns = a.items.map(asNumber);
    return ns.some((x) => x === null) ? UNKNOWN_V : num((ns as number[]).reduce((x, y) => x * y, 1));
  }
  const n = asNumber(args[0]);
  if (n === null) return UNKNOWN_V;
  switch (name) {
    case 'ceil':
      return num(Math.ceil(n));
    case 'floor':
      return num(Math.floor(n));
    case 'sqrt':
      return n >= 0 ? num(Math.sqrt(n), true) : UNKNOWN_V;
    default:
      return UNKNOWN_V;
  }
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const BUILTIN_NAMES = new Set(['len', 'int', 'float', 'abs', 'min', 'max', 'sum', 'range', 'tuple', 'list', 'round', 'enumerate', 'zip', 'reversed', 'dict', 'iter', 'next', 'vars']);

/**
 * Items of a finite sequence value (ranges expanded), or null. Charged as if copied: the
 * callers build a sequence of the same length.
 */
function itemsOf(v: Value | undefined, meter: Meter): Value[] | null {
  if (!v) return null;
  if (v.t === 'tuple' || v.t === 'list') return meter.roomFor(v.items.length) ? v.items : null;
  if (v.t === 'range') {
    const length = Math.max(0, Math.ceil((v.stop - v.start) / v.step));
    if (!meter.roomFor(length)) return null;
    const out: Value[] = [];
    for (let x = v.start; v.step > 0 ? x < v.stop : x > v.stop; x += v.step) out.push(num(x));
    return out;
  }
  return null;
}

/** The `str` methods the evaluator knows (pure, on known text); others are unknown. */
export const STR_METHODS = new Set(['lower', 'upper', 'strip', 'join', 'startswith', 'endswith']);

export function callStrMethod(s: string, name: string, args: Value[], meter: Meter): Value {
  const arg = args[0];
  switch (name) {
    case 'lower':
      return { t: 'str', v: s.toLowerCase() };
    case 'upper':
      return { t: 'str', v: s.toUpperCase() };
    case 'strip':
      return args.length === 0 ? { t: 'str', v: s.trim() } : UNKNOWN_V;
    case 'startswith':
    case 'endswith':
      if (arg?.t !== 'str') return UNKNOWN_V;
      return { t: 'bool', v: name === 'startswith' ? s.startsWith(arg.v) : s.endsWith(arg.v) };
    case 'join': {
      const items = itemsOf(arg, meter);
      if (!items || !items.every((i) => i.t === 'str')) return UNKNOWN_V;
      const out = items.map((i) => (i as { v: string }).v).join(s);
      return meter.roomFor(out.length, 'chars') ? { t: 'str', v: out } : UNKNOWN_V;
    }
    default:
      return UNKNOWN_V;
  }
}
