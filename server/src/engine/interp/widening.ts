/**
 * Widening of long loops over plain values. A loop whose first iterations touch no model,
 * layer or tensor, and whose code (every branch, and the functions it calls) names none, is
 * stopped early, and everything it may still change becomes unknown: the names its body
 * assigns, and the lists and dicts it mutates. The result is what any number of further
 * iterations could give (unknown), so nothing is guessed, and a learning-rate schedule of
 * 40,000 iterations costs a few hundred.
 */
import type { Expr, Stmt } from '../syntax/ast';
import { UNKNOWN_V, type Value } from './values';

/** Plain iterations after which a loop that touched nothing of a model is widened. */
export const WIDEN_AFTER = 32;

/** What a loop body may write, read from its syntax (every branch, taken or not). */
export interface LoopWrites {
  /** Names the body binds (assignment targets, loop targets, `with ... as`, def, class, import). */
  names: Set<string>;
  /** Names whose value the body may mutate: `x.append(...)`, `x[k] = v`, `x.attr = v`. */
  mutated: Set<string>;
  /** Every name the body reads (calls included). */
  reads: Set<string>;
  /** Whether the body can `return` (the function's result is then unknown). */
  returns: boolean;
}

export function loopWrites(body: Stmt[], target: Expr | null): LoopWrites {
  const w: LoopWrites = { names: new Set(), mutated: new Set(), reads: new Set(), returns: false };
  if (target) bindTarget(target, w);
  const stack: Stmt[] = [...body];
  while (stack.length) {
    const s = stack.pop()!;
    switch (s.k) {
      case 'assign':
        s.targets.forEach((t) => bindTarget(t, w));
        exprWrites(s.value, w);
        break;
      case 'augassign':
        bindTarget(s.target, w);
        exprWrites(s.target, w);
        exprWrites(s.value, w);
        break;
      case 'expr':
        exprWrites(s.value, w);
        break;
      case 'return':
        w.returns = true;
        if (s.value) exprWrites(s.value, w);
        break;
      case 'def':
      case 'class':
        // Their bodies run in their own scope; only the name is bound here.
        w.names.add(s.name);
        break;
      case 'with':
        for (const it of s.items) {
          exprWrites(it.value, w);
          if (it.alias) bindTarget(it.alias, w);
        }
        stack.push(...s.body);
        break;
      case 'for':
        bindTarget(s.target, w);
        exprWrites(s.iter, w);
        stack.push(...s.body, ...s.orelse);
        break;
      case 'while':
      case 'if':
        exprWrites(s.test, w);
        stack.push(...s.body, ...s.orelse);
        break;
      case 'try':
        stack.push(...s.body, ...s.handlers.flat(), ...s.orelse, ...s.finalbody);
        break;
      case 'import':
        for (const n of s.names) w.names.add(n.alias ?? n.module.split('.')[0]);
        break;
      case 'from':
        for (const n of s.names) w.names.add(n.alias ?? n.name);
        break;
      case 'raise':
        if (s.exc) exprWrites(s.exc, w);
        break;
      case 'assert':
        exprWrites(s.test, w);
        if (s.msg) exprWrites(s.msg, w);
        break;
      case 'other':
        break;
    }
  }
  return w;
}

function bindTarget(t: Expr, w: LoopWrites): void {
  switch (t.k) {
    case 'name':
      w.names.add(t.id);
      return;
    case 'tuple':
    case 'list':
      t.elts.forEach((e) => bindTarget(e, w));
      return;
    case 'starred':
      bindTarget(t.value, w);
      return;
    case 'attr':
    case 'sub': {
      const root = rootName(t);
      if (root) w.mutated.add(root);
      exprWrites(t, w);
      return;
    }
    default:
      return;
  }
}

/** Names read, and receivers of method calls (`a.b.append(x)` may mutate `a`), in an expression. */
function exprWrites(e: Expr, w: LoopWrites): void {
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === 'name') w.reads.add(x.id);
    if (x.k === 'call' && x.func.k === 'attr') {
      const root = rootName(x.func.obj);
      if (root) w.mutated.add(root);
    }
    stack.push(...subExpressions(x));
  }
}

function rootName(e: Expr): string | null {
  let cur = e;
  while (cur.k === 'attr' || cur.k === 'sub') cur = cur.obj;
  return cur.k === 'name' ? cur.id : null;
}

function subExpressions(e: Expr): Expr[] {
  switch (e.k) {
    case 'tuple':
    case 'list':
    case 'set':
      return e.elts;
    case 'dict':
      return e.items.flatMap((it) => (it.key ? [it.key, it.value] : [it.value]));
    case 'attr':
      return [e.obj];
    case 'call':
      return [e.func, ...e.args.map((a) => a.value)];
    case 'sub':
      return [e.obj, e.index];
    case 'slice':
      return [e.lower, e.upper, e.step].filter((x): x is Expr => x !== null);
    case 'bin':
      return [e.left, e.right];
    case 'unary':
      return [e.operand];
    case 'starred':
      return [e.value];
    case 'cond':
      return [e.test, e.body, e.orelse];
    case 'compare':
    case 'boolop':
      return e.operands;
    case 'comp':
      return [e.elt, e.iter, ...e.ifs];
    case 'lambda':
      // A lambda's body may reach a model when called: its names count as read.
      return e.def.body.flatMap((s) => (s.k === 'return' && s.value ? [s.value] : []));
    case 'str':
      return (e.parts ?? []).flatMap((p) => (typeof p === 'string' ? [] : [p.expr]));
    default:
      return [];
  }
}

/**
 * Makes a list or dict, and the lists and dicts inside it, unknown in place, so that every
 * alias of it sees the change (the loop that was cut short could have mutated it through any
 * of them). Other values are left alone: they are immutable here, or model objects, which a
 * widened loop never touched.
 */
export function forgetInPlace(v: Value): void {
  const stack: Value[] = [v];
  const seen = new Set<Value>();
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (x.t === 'list' || x.t === 'tuple') stack.push(...x.items);
    else if (x.t === 'dict') for (const [k, val] of x.entries) stack.push(k, val);
    if (x.t === 'list' || x.t === 'dict') makeUnknown(x);
  }
}

/** Turns a mutable container object into the unknown value, keeping its identity for aliases. */
function makeUnknown(x: Value): void {
  const o = x as unknown as Record<string, unknown>;
  for (const k of Object.keys(o)) delete o[k];
  Object.assign(o, UNKNOWN_V);
}
