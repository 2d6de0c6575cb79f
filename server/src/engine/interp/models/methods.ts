/** Method calls on model objects, tensors, lists and dicts (`model.add(...)`, `x.view(...)`, `l.append(...)`). */
import type { EvaluatedArgs } from '../bind';
import { UNKNOWN_V, type ObjectValue, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { inputFromMethod } from './input-sources';
import { rnnCellMethod } from './mx-rnn-cells';
import { checkSinkMethod } from './sinks';
import { CHAINABLE, sameKey } from './support';
import { tensorMethod } from './tensors';

export function callMethod(ctx: ModelContext, m: Extract<Value, { t: 'method' }>, args: EvaluatedArgs, site: CallSite): Value {
  const self = m.self;
  if (self.t === 'object') return objectMethod(ctx, self, m.name, args, site);
  if (self.t === 'tensor') return tensorMethod(ctx, self, m.name, args, site);
  if (self.t === 'list') return listMethod(ctx, self, m.name, args);
  if (self.t === 'dict') {
    if (m.name === 'items') return { t: 'list', items: self.entries.map(([k, v]) => ({ t: 'tuple', items: [k, v] })) };
    if (m.name === 'keys') return { t: 'list', items: self.entries.map(([k]) => k) };
    if (m.name === 'values') return { t: 'list', items: self.entries.map(([, v]) => v) };
    if (m.name === 'get') return self.entries.find(([k]) => args.positional[0] && sameKey(k, args.positional[0]))?.[1] ?? args.positional[1] ?? UNKNOWN_V;
  }
  return UNKNOWN_V;
}

function objectMethod(ctx: ModelContext, obj: ObjectValue, name: string, args: EvaluatedArgs, site: CallSite): Value {
  const cellResult = rnnCellMethod(ctx, obj, name, args, site);
  if (cellResult !== undefined) return cellResult;
  const containerResult = ctx.containers.containerMethod(obj, name, args);
  if (containerResult !== undefined) return containerResult;
  const learned = inputFromMethod(ctx, obj, name, args, site);
  checkSinkMethod(ctx, obj, name, args, site);
  if (learned !== undefined) return learned;
  if (name === 'hybridize') {
    obj.hybridized = true;
    return UNKNOWN_V;
  }
  return CHAINABLE.has(name) ? obj : UNKNOWN_V;
}

function listMethod(ctx: ModelContext, list: { t: 'tuple' | 'list'; items: Value[] }, name: string, args: EvaluatedArgs): Value {
  if (name === 'append' && args.positional[0]) list.items.push(args.positional[0]);
  else if (name === 'extend') {
    const items = ctx.host.iterate(args.positional[0] ?? UNKNOWN_V);
    if (items) list.items.push(...items);
    else list.items.push(UNKNOWN_V);
  } else if (name === 'insert' && args.positional[0]?.t === 'num' && args.positional[1]) {
    list.items.splice(args.positional[0].v, 0, args.positional[1]);
  } else if (name === 'pop') return list.items.pop() ?? UNKNOWN_V;
  return UNKNOWN_V;
}
