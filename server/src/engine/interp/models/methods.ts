/** Method calls on model objects, tensors, lists and dicts (`model.add(...)`, `x.view(...)`, `l.append(...)`). */
import type { EvaluatedArgs } from '../bind';
import { dictMethod, growList } from '../dicts';
import { UNKNOWN_V, type ObjectValue, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { inputFromMethod } from './input-sources';
import { rnnCellMethod } from './mx-rnn-cells';
import { checkSinkMethod } from './sinks';
import { CHAINABLE } from './support';
import { tensorMethod } from './tensors';
import { setTrainingMode } from '../train-mode';

export function callMethod(ctx: ModelContext, m: Extract<Value, { t: 'method' }>, args: EvaluatedArgs, site: CallSite): Value {
  const self = m.self;
  if (self.t === 'object') return objectMethod(ctx, self, m.name, args, site);
  if (self.t === 'tensor') return tensorMethod(ctx, self, m.name, args, site);
  if (self.t === 'list') return listMethod(ctx, self, m.name, args);
  if (self.t === 'dict') return dictMethod(self, m.name, args, ctx.host.uncertainDepth) ?? UNKNOWN_V;
  return UNKNOWN_V;
}

function objectMethod(ctx: ModelContext, obj: ObjectValue, name: string, args: EvaluatedArgs, site: CallSite): Value {
  const cellResult = rnnCellMethod(ctx, obj, name, args, site);
  if (cellResult !== undefined) return cellResult;
  const containerResult = ctx.containers.containerMethod(obj, name, args);
  if (containerResult !== undefined) return containerResult;
  const learned = inputFromMethod(ctx, obj, name, args, site);
  checkSinkMethod(ctx, obj, name, args, site, learned);
  if (learned !== undefined) return learned;
  if (setTrainingMode(obj, name, args, ctx.host.uncertainDepth)) return obj;
  if ((name === 'children' || name === 'named_children') && obj.framework === 'torch') return torchChildren(obj, name === 'named_children');
  if (name === 'hybridize') {
    obj.hybridized = true;
    return UNKNOWN_V;
  }
  return CHAINABLE.has(name) ? obj : UNKNOWN_V;
}

function listMethod(ctx: ModelContext, list: { t: 'tuple' | 'list'; items: Value[] }, name: string, args: EvaluatedArgs): Value {
  const [a, b] = args.positional;
  const grow = (add: () => void) => growList(list, add, ctx.host.uncertainDepth);
  if (name === 'append' && a) grow(() => list.items.push(a));
  else if (name === 'extend') {
    const items = ctx.host.iterate(a ?? UNKNOWN_V);
    grow(() => list.items.push(...(items ?? [UNKNOWN_V])));
  } else if (name === 'insert' && a?.t === 'num' && b) {
    grow(() => list.items.splice(a.v, 0, b));
  } else if (name === 'pop') return list.items.pop() ?? UNKNOWN_V;
  return UNKNOWN_V;
}

/**
 * `module.children()` / `named_children()`: the registered submodules in registration order
 * (`nn.Sequential(*list(resnet.children())[:-1])` cuts a backbone's head). Unknown when a child
 * may be missing: an attribute of unknown value, or a container with items and attributes both.
 */
function torchChildren(obj: ObjectValue, named: boolean): Value {
  const attrs = obj.attrOrder.map((k): [string, Value] => [k, obj.attrs.get(k) ?? UNKNOWN_V]);
  const items = obj.items.map((v, i): [string, Value] => [String(i), v]);
  const modules = (entries: [string, Value][]) => entries.filter(([, v]) => v.t === 'layer' || v.t === 'object');
  if (modules(attrs).length > 0 && items.length > 0) return UNKNOWN_V;
  const entries = items.length > 0 ? items : attrs;
  if (entries.some(([, v]) => v.t === 'unknown')) return UNKNOWN_V;
  const children = modules(entries).map(([k, v]): Value => (named ? { t: 'tuple', items: [{ t: 'str', v: k }, v] } : v));
  return { t: 'list', items: children };
}
