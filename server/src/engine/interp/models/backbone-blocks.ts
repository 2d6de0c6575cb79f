/**
 * A library model used inside a user's model (a backbone: `self.backbone = resnet18()`, a Keras
 * application called on the user's input, a zoo model's `features`): its layers become one block
 * of the user's summary, named by where the user's model holds it (`backbone`) and labelled with
 * the library constructor the user called (`resnet18`). A user layer put into the library model
 * (`self.backbone.fc = nn.Identity()`) belongs to its block too.
 */
import type { BackboneSummary, TextRange } from '../../types';
import type { ObjectValue, Value } from '../values';
import type { ModelContext } from './context';
import { layerIdsUnder } from './library-blocks';
import type { AppRecord } from './runs';


/** The library model object of each backbone (for its Keras `trainable` flag). */
const models = new WeakMap<BackboneSummary, ObjectValue>();

/**
 * Whether a Keras backbone was frozen (`base.trainable = False`): Keras then counts all its
 * weights as non-trainable. Null when the flag's value is unknown (set under a condition).
 */
export function frozenBackbone(b: BackboneSummary): boolean | null {
  const model = models.get(b);
  if (model?.framework !== 'keras') return false;
  const flag = model.attrs.get('trainable');
  if (!flag) return false;
  return flag.t === 'bool' ? !flag.v : flag.t === 'unknown' ? null : false;
}

/** Whether a model object was built by a library stub: its class is the stub's, or every layer under it is. */
export function isLibraryObject(ctx: ModelContext, obj: ObjectValue): boolean {
  if (obj.cls) return ctx.host.userSite(obj.cls.def.nameRange) !== obj.cls.def.nameRange;
  const ids = new Set(layerIdsUnder(obj, new Set()));
  if (ids.size === 0) return false;
  return stubLayers(obj).size === ids.size;
}

/**
 * Per application of a user model's run, the backbone it belongs to (undefined: a layer of the
 * user's own); the same backbone object for every layer of one block.
 */
export function backboneBlocks(ctx: ModelContext, obj: ObjectValue, records: AppRecord[]): (BackboneSummary | undefined)[] {
  const owned = ownedByLibraryChildren(ctx, obj);
  const made = new Map<string, BackboneSummary>();
  const backbone = (block: string, at: TextRange, model: ObjectValue | undefined): BackboneSummary => {
    let b = made.get(block);
    const call = model && ctx.runs.lastCall.get(model.id);
    if (!b) made.set(block, (b = { block, library: libraryName(ctx, at), inputShape: call?.input ?? null, outputShape: call?.output ?? null }));
    if (model) models.set(b, model);
    return b;
  };
  let previous: BackboneSummary | undefined;
  return records.map((r) => {
    const owner = owned.get(r.layerId);
    if (owner) return (previous = backbone(owner.path, owner.child.range, owner.child));
    // An op recorded inside the stub's forward (`shapelint port` records them) belongs to the block it runs in.
    if (r.layerId < 0) return (previous = r.builtAt ? previous : undefined);
    // A layer no registered child holds (a Keras application applied in a functional graph or a
    // Sequential): grouped by the user's call that built it.
    if (!r.builtAt) return (previous = undefined);
    const model = ctx.containers.objectAt(r.builtAt);
    return (previous = backbone(model?.varName ?? libraryName(ctx, r.builtAt), r.builtAt, model));
  });
}

/** Layer id → the path of the library-built child (at any depth of user-built ones) that holds it, and where it was built. */
function ownedByLibraryChildren(ctx: ModelContext, obj: ObjectValue, prefix = '', visited = new Set<number>([obj.id])): Map<number, { path: string; child: ObjectValue }> {
  const owned = new Map<number, { path: string; child: ObjectValue }>();
  const children: [string, Value][] = [...obj.attrOrder.map((k): [string, Value] => [k, obj.attrs.get(k)!]), ...obj.items.map((v, i): [string, Value] => [String(i), v])];
  for (const [name, child] of children) {
    if (child?.t !== 'object' || visited.has(child.id)) continue;
    visited.add(child.id);
    const path = `${prefix}${name}`;
    if (isLibraryObject(ctx, child)) {
      for (const id of layerIdsUnder(child, new Set())) if (!owned.has(id)) owned.set(id, { path, child });
    } else {
      for (const [id, o] of ownedByLibraryChildren(ctx, child, `${path}.`, visited)) if (!owned.has(id)) owned.set(id, o);
    }
  }
  return owned;
}

function stubLayers(obj: ObjectValue, visited = new Set<number>()): Set<number> {
  const out = new Set<number>();
  if (visited.has(obj.id)) return out;
  visited.add(obj.id);
  for (const v of [...obj.attrs.values(), ...obj.items]) {
    if (v.t === 'layer' && v.stubPath !== undefined) out.add(v.id);
    else if (v.t === 'object') for (const id of stubLayers(v, visited)) out.add(id);
  }
  return out;
}

/**
 * The constructor named by the user's call (`torchvision.models.resnet18(weights=None)` →
 * `resnet18`); `get_model`'s model name; in a container of a library model's children
 * (`nn.Sequential(*list(models.resnet50().children())[:-1])`), that library model's.
 */
function libraryName(ctx: ModelContext, at: TextRange): string {
  const calls = [...ctx.host.sourceText(at.start, at.end).matchAll(/([\w.]+)\s*\(\s*(?:name\s*=\s*)?(?:['"]([\w.-]+)['"])?/g)];
  const named = calls.map((m) => ({ callee: m[1].split('.').pop()!, arg: m[2] })).filter((c) => !WRAPPERS.has(c.callee));
  if (named.length === 0) return calls.length ? calls[0][1].split('.').pop()! : 'library model';
  return named[0].callee === 'get_model' && named[0].arg ? named[0].arg : named[0].callee;
}

/** Calls around a library model's call that do not name it. */
const WRAPPERS = new Set(['Sequential', 'HybridSequential', 'list', 'tuple', 'children', 'named_children']);
