/**
 * The analysis process sends a document's model summaries and tensor facts (most of a reply:
 * hundreds of KB for a large model zoo) as a delta against the last reply it sent for that
 * document, when the server holds that reply (the request says which one it has): items that
 * come from a block run the last reply also used are copied from it, moved by the offsets the
 * block moved (engine/incremental.ts `Origin`). An item of a block that ran again is copied too
 * when the last reply had the same item at another place (most of a block's tensor facts and
 * summaries do not change with an edit inside it); only the rest travel.
 */
import { moveModel, moveTensor, type ModelSummary, type Origin, type TensorFact } from '../engine/index';

/** Copy `count` items from index `from` of the last reply, moved by `shift` offsets; or new items. */
export type DeltaOp<T> = { from: number; count: number; shift: number } | { items: T[] };

export interface FactsDelta {
  models: DeltaOp<ModelSummary>[];
  tensors: DeltaOp<TensorFact>[];
}

/** What the analysis process remembers of the last reply it sent for a document. */
export interface SentFacts {
  seq: number;
  models: Origin<ModelSummary>[];
  tensors: Origin<TensorFact>[];
}

/** An item that moves by offsets (its range says where it starts), with a name. */
type Movable = { range: { start: number }; name: string };

/**
 * `next` as operations on `previous` (the origins of the items the server already has). `move`
 * moves an item as the server's decoding does: an item no kept run gave is still copied when
 * moving an item of the last reply gives exactly it.
 */
export function encodeDelta<T extends Movable>(items: T[], next: Origin<T>[], previous: Origin<T>[], move: (item: T, delta: number) => T): DeltaOp<T>[] {
  const at = new Map<object, Map<number, number>>();
  previous.forEach((o, k) => {
    let byIndex = at.get(o.run);
    if (!byIndex) at.set(o.run, (byIndex = new Map()));
    byIndex.set(o.index, k);
  });
  const same = sameItems(next, previous, at, move);
  const ops: DeltaOp<T>[] = [];
  next.forEach((o, k) => {
    const kept = at.get(o.run)?.get(o.index);
    const from = kept ?? same(o);
    const last = ops[ops.length - 1];
    if (from === undefined) {
      if (last && 'items' in last) last.items.push(items[k]);
      else ops.push({ items: [items[k]] });
      return;
    }
    // The same item of a kept run moved as its run did; another item by where the two stand.
    const shift = kept !== undefined ? o.delta - previous[from].delta : placeOf(o) - placeOf(previous[from]);
    if (last && 'from' in last && last.from + last.count === from && last.shift === shift) last.count++;
    else ops.push({ from, count: 1, shift });
  });
  return ops;
}

/** Where an item of a reply starts. */
function placeOf(o: Origin<Movable>): number {
  return o.item.range.start + o.delta;
}

/** How many items of the same name are tried for an item whose run the last reply did not use. */
const TRIES = 3;

/**
 * For an item whose run the last reply did not use: an item of the last reply, from a run this
 * reply no longer uses (the block ran again), that is the same but for where it stands; each
 * taken once, in order, tried by name.
 */
function sameItems<T extends Movable>(next: Origin<T>[], previous: Origin<T>[], byRun: Map<object, Map<number, number>>, move: (item: T, delta: number) => T): (o: Origin<T>) => number | undefined {
  let byName: Map<string, number[]> | null = null;
  return (o) => {
    if (!byName) {
      byName = new Map();
      const kept = new Set<object>();
      for (const n of next) kept.add(n.run);
      for (const [run, indices] of byRun) {
        if (kept.has(run)) continue;
        for (const i of indices.values()) {
          const named = byName.get(previous[i].item.name);
          if (named) named.push(i);
          else byName.set(previous[i].item.name, [i]);
        }
      }
    }
    const candidates = byName.get(o.item.name) ?? [];
    const k = candidates.slice(0, TRIES).findIndex((i) => sameJson(move(previous[i].item, o.item.range.start - previous[i].item.range.start), o.item));
    return k < 0 ? undefined : candidates.splice(k, 1)[0];
  };
}

/** Whether two values (plain data) have the same JSON: a property set to undefined counts as absent. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], other[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    if (!sameJson(x[k], y[k])) return false;
    defined++;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}

/** A reply's models and tensor facts as a delta against the last reply the server holds. */
export function encodeFacts(facts: { models: ModelSummary[]; tensors: TensorFact[] }, next: Omit<SentFacts, 'seq'>, previous: SentFacts): FactsDelta {
  return { models: encodeDelta(facts.models, next.models, previous.models, moveModel), tensors: encodeDelta(facts.tensors, next.tensors, previous.tensors, moveTensor) };
}

export function decodeDelta<T>(ops: DeltaOp<T>[], previous: T[], move: (item: T, delta: number) => T): T[] {
  const out: T[] = [];
  for (const op of ops) {
    if ('items' in op) out.push(...op.items);
    else for (let i = op.from; i < op.from + op.count; i++) out.push(move(previous[i], op.shift));
  }
  return out;
}

export function decodeFacts(delta: FactsDelta, previous: { models: ModelSummary[]; tensors: TensorFact[] }): { models: ModelSummary[]; tensors: TensorFact[] } {
  return { models: decodeDelta(delta.models, previous.models, moveModel), tensors: decodeDelta(delta.tensors, previous.tensors, moveTensor) };
}
