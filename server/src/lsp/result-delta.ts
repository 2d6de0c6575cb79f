/**
 * The analysis process sends a document's model summaries and tensor facts (most of a reply:
 * hundreds of KB for a large model zoo) as a delta against the last reply it sent for that
 * document, when the server holds that reply (the request says which one it has): items that
 * come from a block run the last reply also used are copied from it, moved by the offsets the
 * block moved (engine/incremental.ts `Origin`). An item of a block that ran again is copied too
 * when the last reply had the same item at another place (most of a block's tensor facts and
 * summaries do not change with an edit inside it), and a summary that changed is sent as its own
 * fields with its layers a delta against the last reply's summary of the same name (the edited
 * model's layers before the edit, or all of them moved when a line was typed inside it); only
 * the rest travel.
 */
import { moveLayer, moveModel, moveTensor, type LayerApplication, type ModelSummary, type Origin, type TensorFact } from '../engine/index';

/**
 * Copy `count` items from index `from` of the last reply, moved by `shift` offsets; or new items;
 * or an item made from item `from` of the last reply and `patch`.
 */
export type DeltaOp<T, P = never> = { from: number; count: number; shift: number } | { items: T[] } | { from: number; patch: P };

/** A summary's own fields, and its layers as a delta against those of the last reply's summary. */
export interface ModelPatch {
  model: Omit<ModelSummary, 'layers'>;
  layers: DeltaOp<LayerApplication>[];
}

export interface FactsDelta {
  models: DeltaOp<ModelSummary, ModelPatch>[];
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
    if (from === undefined) return pushWhole(ops, items[k]);
    // The same item of a kept run moved as its run did; another item by where the two stand.
    pushCopy(ops, from, kept !== undefined ? o.delta - previous[from].delta : placeOf(o) - placeOf(previous[from]));
  });
  return ops;
}

function pushWhole<T, P>(ops: DeltaOp<T, P>[], item: T): void {
  const last = ops[ops.length - 1];
  if (last && 'items' in last) last.items.push(item);
  else ops.push({ items: [item] });
}

function pushCopy<T, P>(ops: DeltaOp<T, P>[], from: number, shift: number): void {
  const last = ops[ops.length - 1];
  if (last && 'count' in last && last.from + last.count === from && last.shift === shift) last.count++;
  else ops.push({ from, count: 1, shift });
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
  const models = encodeDelta(facts.models, next.models, previous.models, moveModel);
  return { models: patchModels(models, next.models, previous.models), tensors: encodeDelta(facts.tensors, next.tensors, previous.tensors, moveTensor) };
}

/**
 * Summaries sent whole, as patches of a summary of the same name the last reply had from a run
 * this reply no longer uses (and did not copy), when some of its layers can be copied.
 */
function patchModels(ops: DeltaOp<ModelSummary>[], next: Origin<ModelSummary>[], previous: Origin<ModelSummary>[]): DeltaOp<ModelSummary, ModelPatch>[] {
  if (ops.every((op) => !('items' in op))) return ops;
  const kept = new Set(next.map((o) => o.run));
  const copied = new Set(ops.flatMap((op) => ('count' in op ? Array.from({ length: op.count }, (_, i) => op.from + i) : [])));
  const byName = new Map<string, number[]>();
  previous.forEach((p, i) => {
    if (kept.has(p.run) || copied.has(i)) return;
    const named = byName.get(p.item.name);
    if (named) named.push(i);
    else byName.set(p.item.name, [i]);
  });
  const out: DeltaOp<ModelSummary, ModelPatch>[] = [];
  for (const op of ops) {
    if (!('items' in op)) {
      out.push(op);
      continue;
    }
    for (const m of op.items) {
      const from = byName.get(m.name)?.[0];
      const layers = from === undefined ? null : layersDelta(m.layers, previous[from]);
      if (from === undefined || !layers) {
        pushWhole(out, m);
        continue;
      }
      byName.get(m.name)!.shift();
      const { layers: _, ...model } = m;
      out.push({ from, patch: { model, layers } });
    }
  }
  return out;
}

/** `layers` as a delta against the layers of the last reply's summary `previous`, or null when none can be copied. */
function layersDelta(layers: LayerApplication[], previous: Origin<ModelSummary>): DeltaOp<LayerApplication>[] | null {
  const held = previous.item.layers;
  const ops: DeltaOp<LayerApplication>[] = [];
  let copies = 0;
  let at = 0;
  for (const l of layers) {
    // Layers keep their order: the next one of the last summary first, then the few after it.
    let from = -1;
    let shift = 0;
    for (let j = at; j < Math.min(held.length, at + TRIES) && from < 0; j++) {
      const before = moveLayer(held[j], previous.delta);
      shift = l.appliedAt.start - before.appliedAt.start;
      if (sameJson(moveLayer(before, shift), l)) from = j;
    }
    if (from < 0) {
      pushWhole(ops, l);
      continue;
    }
    copies++;
    at = from + 1;
    pushCopy(ops, from, shift);
  }
  return copies ? ops : null;
}

export function decodeDelta<T, P = never>(ops: DeltaOp<T, P>[], previous: T[], move: (item: T, delta: number) => T, patch?: (item: T, p: P) => T): T[] {
  const out: T[] = [];
  for (const op of ops) {
    if ('items' in op) out.push(...op.items);
    else if ('patch' in op) out.push(patch!(previous[op.from], op.patch));
    else for (let i = op.from; i < op.from + op.count; i++) out.push(move(previous[i], op.shift));
  }
  return out;
}

export function decodeFacts(delta: FactsDelta, previous: { models: ModelSummary[]; tensors: TensorFact[] }): { models: ModelSummary[]; tensors: TensorFact[] } {
  const patched = (m: ModelSummary, p: ModelPatch): ModelSummary => ({ ...p.model, layers: decodeDelta(p.layers, m.layers, moveLayer) });
  return { models: decodeDelta(delta.models, previous.models, moveModel, patched), tensors: decodeDelta(delta.tensors, previous.tensors, moveTensor) };
}
