/**
 * Python operators on constant values (ints, floats, strings, tuples). Building a sequence is
 * charged to the meter for every item, and a result past the size caps is unknown.
 */
import type { Meter } from '../budget';
import { lengthUnknown } from './dicts';
import { num, sameValue, str, UNKNOWN_V, valuesEqual, type Value } from './values';

function n(v: Value): number | null {
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

function isFloat(v: Value): boolean {
  return v.t === 'num' && v.isFloat;
}

export function binaryOp(op: string, a: Value, b: Value, meter: Meter): Value {
  const x = n(a);
  const y = n(b);
  if (x !== null && y !== null) return fromDefault(numericOp(op, x, y, isFloat(a) || isFloat(b)), a, b);
  if (op === '+' && a.t === 'str' && b.t === 'str') return meter.roomFor(a.v.length + b.v.length, 'chars') ? str(a.v + b.v) : UNKNOWN_V;
  if (op === '+' && (a.t === 'tuple' || a.t === 'list') && a.t === b.t) {
    return meter.roomFor(a.items.length + b.items.length) ? { t: a.t, items: [...a.items, ...b.items] } : UNKNOWN_V;
  }
  const count = y !== null && Number.isInteger(y) ? Math.max(0, y) : null;
  if (op === '*' && (a.t === 'tuple' || a.t === 'list') && count !== null) {
    if (!meter.roomFor(count * a.items.length)) return UNKNOWN_V;
    const items: Value[] = [];
    if (a.items.length > 0) for (let i = 0; i < count; i++) items.push(...a.items);
    return { t: a.t, items };
  }
  if (op === '*' && (b.t === 'tuple' || b.t === 'list' || b.t === 'str') && x !== null) return binaryOp(op, b, a, meter);
  if (op === '*' && a.t === 'str' && count !== null) {
    if (a.v.length === 0) return a;
    return meter.roomFor(count * a.v.length, 'chars') ? str(a.v.repeat(count)) : UNKNOWN_V;
  }
  return UNKNOWN_V;
}

/** A number computed from script defaults keeps them (`args.image_size // 4`). */
function fromDefault(r: Value, a: Value, b: Value): Value {
  const da = (a.t === 'num' && a.defaults) || [];
  const db = (b.t === 'num' && b.defaults) || [];
  if (r.t !== 'num' || da.length + db.length === 0) return r;
  return { ...r, defaults: [...da, ...db.filter((d) => !da.some((x) => x.text === d.text))] };
}

function numericOp(op: string, x: number, y: number, float: boolean): Value {
  switch (op) {
    case '+':
      return num(x + y, float);
    case '-':
      return num(x - y, float);
    case '*':
      return num(x * y, float);
    case '/':
      return y === 0 ? UNKNOWN_V : num(x / y, true);
    case '//':
      return y === 0 ? UNKNOWN_V : num(Math.floor(x / y), float);
    case '%':
      // Python's modulo takes the sign of the divisor.
      return y === 0 ? UNKNOWN_V : num(((x % y) + y) % y, float);
    case '**': {
      const r = x ** y;
      return Number.isFinite(r) && Math.abs(r) <= Number.MAX_SAFE_INTEGER ? num(r, float || y < 0) : UNKNOWN_V;
    }
    case '<<':
      return Number.isInteger(x) && Number.isInteger(y) && y >= 0 && y < 31 ? num(x * 2 ** y) : UNKNOWN_V;
    case '>>':
      return Number.isInteger(x) && Number.isInteger(y) && y >= 0 ? num(Math.floor(x / 2 ** y)) : UNKNOWN_V;
    default:
      return UNKNOWN_V;
  }
}

export function unaryOp(op: string, a: Value): Value {
  const x = n(a);
  if (x === null) return UNKNOWN_V;
  if (op === '-') return num(-x, isFloat(a));
  if (op === '+') return num(x, isFloat(a));
  if (op === '~' && Number.isInteger(x)) return num(-x - 1);
  return UNKNOWN_V;
}

export function compareOp(op: string, a: Value, b: Value): boolean | null {
  const x = n(a);
  const y = n(b);
  if (x !== null && y !== null) {
    switch (op) {
      case '<':
        return x < y;
      case '<=':
        return x <= y;
      case '>':
        return x > y;
      case '>=':
        return x >= y;
      case '==':
        return x === y;
      case '!=':
        return x !== y;
    }
  }
  if ((op === '==' || op === '!=') && isConstant(a) && isConstant(b) && constKind(a) !== constKind(b)) {
    // Python: values of different kinds (64 == "M") are never equal.
    return op === '!=';
  }
  if (a.t === 'str' && b.t === 'str') {
    if (op === '==') return a.v === b.v;
    if (op === '!=') return a.v !== b.v;
    if (op === 'in') return b.v.includes(a.v);
    if (op === 'not in') return !b.v.includes(a.v);
  }
  if (op === 'is' || op === 'is not') {
    if (a.t === 'unknown' || b.t === 'unknown') return null;
    const same = (a.t === 'none' && b.t === 'none') || a === b;
    if (a.t === 'none' || b.t === 'none') return op === 'is' ? same : !same;
    return null;
  }
  if ((op === 'in' || op === 'not in') && b.t === 'dict') {
    const found = keyInDict(a, b);
    return found === null ? null : op === 'in' ? found : !found;
  }
  if ((op === 'in' || op === 'not in') && (b.t === 'tuple' || b.t === 'list')) {
    // A list grown under an unknown condition may hold more than it shows.
    if (lengthUnknown(b)) return null;
    const equal = b.items.map((i) => valuesEqual(a, i));
    if (equal.some((e) => e === null)) return null;
    const found = equal.includes(true);
    return op === 'in' ? found : !found;
  }
  if ((op === '==' || op === '!=') && isSequence(a) && isSequence(b)) {
    // Python: a tuple never equals a list; same kinds compare item by item.
    const equal = a.t === b.t ? valuesEqual(a, b) : false;
    return equal === null ? null : equal === (op === '==');
  }
  return null;
}

/**
 * `key in d` for a constant key: known when the dict's keys are all known. An entry whose value
 * is unknown may have been set under an unknown condition (it may be missing), so it says nothing.
 */
function keyInDict(key: Value, d: Extract<Value, { t: 'dict' }>): boolean | null {
  if (!isConstant(key) || d.entries.some(([k]) => k.t === 'unknown')) return null;
  const hit = d.entries.find(([k]) => sameValue(k, key));
  if (!hit) return false;
  return hit[1].t === 'unknown' ? null : true;
}

function isSequence(v: Value): v is Value & { t: 'tuple' | 'list' } {
  return v.t === 'tuple' || v.t === 'list';
}

function isConstant(v: Value): boolean {
  return v.t === 'num' || v.t === 'str' || v.t === 'bool' || v.t === 'none';
}

function constKind(v: Value): string {
  return v.t === 'bool' ? 'num' : v.t;
}
