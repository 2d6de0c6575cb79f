/**
 * The analysis process sends a document's model summaries and tensor facts (most of a reply:
 * hundreds of KB for a large model zoo) as a delta against the last reply it sent for that
 * document, when the server holds that reply (the request says which one it has): items that
 * come from a block run the last reply also used are copied from it, moved by the offsets the
 * block moved (engine/incremental.ts `Origin`); only the rest travel.
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
  models: Origin[];
  tensors: Origin[];
}

/** `next` as operations on `previous` (the origins of the items the server already has). */
export function encodeDelta<T>(items: T[], next: Origin[], previous: Origin[]): DeltaOp<T>[] {
  const at = new Map<object, Map<number, number>>();
  previous.forEach((o, k) => {
    let byIndex = at.get(o.run);
    if (!byIndex) at.set(o.run, (byIndex = new Map()));
    byIndex.set(o.index, k);
  });
  const ops: DeltaOp<T>[] = [];
  next.forEach((o, k) => {
    const from = at.get(o.run)?.get(o.index);
    const last = ops[ops.length - 1];
    if (from === undefined) {
      if (last && 'items' in last) last.items.push(items[k]);
      else ops.push({ items: [items[k]] });
      return;
    }
    const shift = o.delta - previous[from].delta;
    if (last && 'from' in last && last.from + last.count === from && last.shift === shift) last.count++;
    else ops.push({ from, count: 1, shift });
  });
  return ops;
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
