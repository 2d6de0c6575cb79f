/**
 * The blocks of a model built by a library stub, so hovers and `summary` show its hundreds of
 * layers collapsed by part. A model object (torchvision, Gluon) groups by the top-level child
 * that holds each layer (ResNet's `layer1`); a Keras functional model, which has no children, by
 * the first stub function call its layers were built under (a stage of `keras.applications`).
 * A layer at the model's own top level has no block: it is its own row.
 */
import type { ObjectValue, Value } from '../values';
import type { AppRecord } from './runs';

/** Per application of the run, its block name or undefined. */
export function libraryBlocks(obj: ObjectValue, records: AppRecord[]): (string | undefined)[] {
  const owners = topLevelOwners(obj);
  if (owners.size > 0) return records.map((r) => owners.get(r.layerId));
  return stubCallBlocks(records);
}

/**
 * Layer id → the name of the top-level child (attribute or container index) holding it, for
 * layers nested below one. A plain container holding most of the model's layers (the `features`
 * of MobileNet or Gluon's zoo ResNet) is split into its own children (`features.4`), as one block
 * would hide the whole network; one of plain layers only (VGG's `features`) stays one block.
 */
function topLevelOwners(obj: ObjectValue, prefix = '', visited = new Set<number>([obj.id])): Map<number, string> {
  const owners = new Map<number, string>();
  const total = layerIdsUnder(obj, new Set()).length;
  const children: [string, Value][] = [...obj.attrs.entries(), ...obj.items.map((v, i): [string, Value] => [String(i), v])];
  for (const [name, child] of children) {
    if (child.t !== 'object' || visited.has(child.id)) continue;
    visited.add(child.id);
    const ids = layerIdsUnder(child, new Set());
    const split = child.container !== null && ids.length * 2 > total && [...child.attrs.values(), ...child.items].some((v) => v.t === 'object');
    const parts = split ? topLevelOwners(child, `${prefix}${name}.`, visited) : null;
    for (const id of ids) if (!owners.has(id) && !(parts && !parts.has(id))) owners.set(id, parts?.get(id) ?? `${prefix}${name}`);
  }
  return owners;
}

export function layerIdsUnder(obj: ObjectValue, visited: Set<number>): number[] {
  if (visited.has(obj.id)) return [];
  visited.add(obj.id);
  return [...obj.attrs.values(), ...obj.items].flatMap((v) => (v.t === 'layer' ? [v.id] : v.t === 'object' ? layerIdsUnder(v, visited) : []));
}

/**
 * Groups by the first stub call below the calls all layers share (`_resnet` → `_stage_v1`); a
 * function called for several blocks gets them numbered in order (`stage_v1 #2`).
 */
function stubCallBlocks(records: AppRecord[]): (string | undefined)[] {
  const paths = records.map((r) => r.stubPath ?? []);
  const shared = commonPrefixLength(paths);
  const keys = paths.map((p) => p[shared]);
  const callee = (key: string) => key.slice(0, key.lastIndexOf('@')).replace(/^_+/, '') || 'block';
  const ordinals = new Map<string, number>();
  const perCallee = new Map<string, number>();
  for (const key of keys) {
    if (key === undefined || ordinals.has(key)) continue;
    const n = (perCallee.get(callee(key)) ?? 0) + 1;
    perCallee.set(callee(key), n);
    ordinals.set(key, n);
  }
  return keys.map((key) => {
    if (key === undefined) return undefined;
    const name = callee(key);
    return perCallee.get(name)! > 1 ? `${name} #${ordinals.get(key)}` : name;
  });
}

function commonPrefixLength(paths: string[][]): number {
  if (paths.length === 0) return 0;
  let n = 0;
  while (paths.every((p) => p.length > n && p[n] === paths[0][n])) n++;
  return n;
}
