/**
 * The abstract interpreter: executes a module's statements over abstract values, so that
 * constants, layer objects, containers, user model classes and tensors get the values the
 * real program would give them, as far as the code shows. Anything it cannot know is
 * `unknown`, and unknown never produces a diagnostic.
 *
 * Model semantics (containers, model runs, layer application, diagnostics) live in
 * `models.ts` and `models/`; this file is the Python part. The two sides talk only through
 * `InterpreterHost` and `ModelLayer` (`models/interfaces.ts`).
 */
import { findLayer } from '../layers/index';
import { TABLE_ARRAY_ATTRIBUTES } from '../layers/numpy/loads';
import type { Arg, ClassDef, Expr, Module, Stmt } from '../syntax/ast';
import type { AnalyzeOptions, Diagnostic, ModelSummary, TensorFact, TextRange } from '../types';
import type { EvaluatedArgs } from './bind';
import { BudgetExceeded } from './budget';
import { BUILTIN_NAMES, callBuiltin, callMath } from './builtins';
import { callDict, lengthUnknown, madeAt, newDict, setDictItem } from './dicts';
import { canonicalName } from './names';
import { binaryOp, compareOp, unaryOp } from './operators';
import { ModelEngine } from './models';
import type { InterpreterHost, ModelLayer } from './models/interfaces';
import { Scope } from './scope';
import {
  dimValue,
  NONE_V,
  num,
  sameValue,
  str,
  truthy,
  UNKNOWN_V,
  type ClassValue,
  type FuncValue,
  type ObjectValue,
  type Value,
} from './values';

export interface InterpretResult {
  diagnostics: Diagnostic[];
  models: ModelSummary[];
  tensors: TensorFact[];
  truncated: boolean;
}

const DEFAULT_MAX_STEPS = 400_000;
const MAX_CALL_DEPTH = 40;
const MAX_LOOP_ITERATIONS = 512;

export { BudgetExceeded };

class ReturnSignal {
  constructor(readonly value: Value) {}
}
class BreakSignal {}
class ContinueSignal {}

export function interpretModule(module: Module, text: string, options: AnalyzeOptions): InterpretResult {
  const interp = new Interpreter(module, text, options);
  return interp.run();
}

export class Interpreter implements InterpreterHost {
  readonly global = new Scope(null, 'module');
  readonly models: ModelLayer;
  readonly tensors: TensorFact[] = [];
  private steps = 0;
  private readonly maxSteps: number;
  private callDepth = 0;
  /** Modules imported with `from X import *`, searched for otherwise unbound names. */
  private readonly starModules: string[] = [];
  /** Depth of `if` branches whose condition is unknown (their effects are uncertain). */
  uncertainDepth = 0;
  /** Return values seen inside uncertain branches of the current function call. */
  private pendingReturns: Value[][] = [];

  constructor(
    readonly module: Module,
    readonly text: string,
    readonly options: AnalyzeOptions,
  ) {
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.models = new ModelEngine(this);
  }

  run(): InterpretResult {
    let truncated = false;
    try {
      this.execBlock(this.module.body, this.global);
    } catch (e) {
      if (e instanceof BudgetExceeded) truncated = true;
      else if (!(e instanceof ReturnSignal || e instanceof BreakSignal || e instanceof ContinueSignal)) throw e;
    }
    try {
      if (!truncated) this.models.finish();
    } catch (e) {
      if (e instanceof BudgetExceeded) truncated = true;
      else throw e;
    }
    return { diagnostics: this.models.diagnostics(), models: this.models.summaries(), tensors: this.tensors, truncated };
  }

  tick(): void {
    if (++this.steps > this.maxSteps) throw new BudgetExceeded('step budget exhausted');
  }

  // ---------------------------------------------------------------- statements

  execBlock(stmts: Stmt[], scope: Scope): void {
    for (const s of stmts) this.exec(s, scope);
  }

  exec(s: Stmt, scope: Scope): void {
    this.tick();
    switch (s.k) {
      case 'assign': {
        const value = this.eval(s.value, scope);
        for (const t of s.targets) this.assign(t, value, scope);
        return;
      }
      case 'augassign': {
        const cur = this.eval(s.target, scope);
        const rhs = this.eval(s.value, scope);
        this.assign(s.target, this.binary(s.op.replace('=', ''), cur, rhs, s.r), scope);
        return;
      }
      case 'expr':
        this.eval(s.value, scope);
        return;
      case 'return':
        throw new ReturnSignal(s.value ? this.eval(s.value, scope) : NONE_V);
      case 'def':
        scope.set(s.name, { t: 'func', def: s, closure: scope });
        return;
      case 'class':
        scope.set(s.name, this.defineClass(s, scope));
        return;
      case 'with':
        for (const it of s.items) {
          const v = this.eval(it.value, scope);
          if (it.alias) this.assign(it.alias, v, scope);
        }
        this.execBlock(s.body, scope);
        return;
      case 'for':
        this.execFor(s.target, s.iter, s.body, scope);
        return;
      case 'while':
        // The condition is rarely known statically; run the body once for its definitions.
        this.branch(() => this.execLoopBody(s.body, scope));
        return;
      case 'if':
        this.execIf(s.test, s.body, s.orelse, scope);
        return;
      case 'try':
        this.execBlock(s.body, scope);
        this.execBlock(s.orelse, scope);
        this.execBlock(s.finalbody, scope);
        return;
      case 'import':
        for (const n of s.names) {
          if (n.alias) scope.set(n.alias, { t: 'module', path: canonicalName(n.module) });
          else {
            const top = n.module.split('.')[0];
            scope.set(top, { t: 'module', path: top });
          }
        }
        return;
      case 'from': {
        if (s.level > 0 && !s.module) return;
        const base = s.level > 0 ? s.module : s.module;
        if (s.star) {
          this.starModules.push(canonicalName(base));
          return;
        }
        for (const n of s.names) scope.set(n.alias ?? n.name, this.importedName(base, n.name));
        return;
      }
      case 'other':
        return;
    }
  }

  private importedName(module: string, name: string): Value {
    const path = canonicalName(`${module}.${name}`);
    if (findLayer(path) || this.models.isKnownClass(path)) return { t: 'ext', path };
    // `from mxnet import gluon, nd`: submodules.
    return /^[a-z_0-9]+$/.test(name) ? { t: 'module', path } : { t: 'ext', path };
  }

  private execIf(test: Expr, body: Stmt[], orelse: Stmt[], scope: Scope): void {
    const t = truthy(this.eval(test, scope));
    if (t === true) return this.execBlock(body, scope);
    if (t === false) return this.execBlock(orelse, scope);
    // Unknown condition: explore both branches and keep only what they agree on.
    const a = scope.fork();
    const b = scope.fork();
    const ra = this.branch(() => this.execBlock(body, a));
    const rb = this.branch(() => this.execBlock(orelse, b));
    const merged = scope.fork();
    const names = new Set<string>();
    for (const [k] of a.entries()) names.add(k);
    for (const [k] of b.entries()) names.add(k);
    for (const k of names) {
      const va = a.has(k) ? a.lookup(k)! : undefined;
      const vb = b.has(k) ? b.lookup(k)! : undefined;
      if (va && vb) merged.set(k, sameValue(va, vb) ? va : UNKNOWN_V);
      else merged.set(k, UNKNOWN_V);
    }
    scope.replaceWith(merged);
    if (ra === 'returned' && rb === 'returned') {
      throw new ReturnSignal(this.mergeReturns());
    }
  }

  /** Runs `f` as an uncertain branch; a `return` inside it is remembered, not propagated. */
  private branch(f: () => void): 'returned' | 'fell-through' {
    this.uncertainDepth++;
    try {
      f();
      return 'fell-through';
    } catch (e) {
      if (e instanceof ReturnSignal) {
        this.pendingReturns[this.pendingReturns.length - 1]?.push(e.value);
        return 'returned';
      }
      if (e instanceof BreakSignal || e instanceof ContinueSignal) return 'fell-through';
      throw e;
    } finally {
      this.uncertainDepth--;
    }
  }

  private mergeReturns(extra?: Value): Value {
    const pending = this.pendingReturns[this.pendingReturns.length - 1] ?? [];
    const all = extra ? [...pending, extra] : pending;
    if (all.length === 0) return NONE_V;
    return all.every((v) => sameValue(v, all[0])) ? all[0] : UNKNOWN_V;
  }

  private execFor(target: Expr, iterExpr: Expr, body: Stmt[], scope: Scope): void {
    const iter = this.eval(iterExpr, scope);
    const items = this.iterate(iter);
    if (items === null) {
      // Unknown iterable: run the body once with an unknown target so definitions inside it
      // are seen, but treat its effects as uncertain.
      this.assign(target, UNKNOWN_V, scope);
      this.branch(() => this.execLoopBody(body, scope));
      return;
    }
    for (const item of items.slice(0, MAX_LOOP_ITERATIONS)) {
      this.assign(target, item, scope);
      try {
        this.execBlock(body, scope);
      } catch (e) {
        if (e instanceof BreakSignal) break;
        if (e instanceof ContinueSignal) continue;
        throw e;
      }
    }
  }

  private execLoopBody(body: Stmt[], scope: Scope): void {
    try {
      this.execBlock(body, scope);
    } catch (e) {
      if (!(e instanceof BreakSignal || e instanceof ContinueSignal)) throw e;
    }
  }

  /** The items of an iterable value, or null when unknown. */
  iterate(v: Value): Value[] | null {
    switch (v.t) {
      case 'tuple':
      case 'list':
        return v.items;
      case 'range': {
        const out: Value[] = [];
        for (let x = v.start; v.step > 0 ? x < v.stop : x > v.stop; x += v.step) {
          out.push(num(x));
          if (out.length > MAX_LOOP_ITERATIONS) return null;
        }
        return out;
      }
      case 'dict':
        return v.entries.map(([k]) => k);
      case 'str':
        return [...v.v].map(str);
      case 'object':
        if (v.container === 'torch.ModuleDict') return v.attrOrder.map(str);
        if (v.container === 'torch.ModuleList' || v.container === 'torch.Sequential' || v.container?.startsWith('gluon.') || v.container === 'keras.Sequential') {
          return v.items;
        }
        return null;
      default:
        return null;
    }
  }

  assign(target: Expr, value: Value, scope: Scope): void {
    switch (target.k) {
      case 'name':
        scope.set(target.id, value);
        this.models.noteAssignment(target.id, target.r, value);
        return;
      case 'attr': {
        const obj = this.eval(target.obj, scope);
        this.models.setAttribute(obj, target.name, value);
        this.models.noteTensor(target.r, target.name, value);
        return;
      }
      case 'tuple':
      case 'list': {
        const items = this.iterate(value);
        const starIdx = target.elts.findIndex((e) => e.k === 'starred');
        target.elts.forEach((t, i) => {
          if (t.k === 'starred') {
            this.assign(t.value, UNKNOWN_V, scope);
            return;
          }
          let v: Value = UNKNOWN_V;
          if (items && starIdx < 0 && items.length === target.elts.length) v = items[i];
          else if (items && starIdx < 0) v = UNKNOWN_V;
          this.assign(t, v, scope);
        });
        return;
      }
      case 'sub': {
        const obj = this.eval(target.obj, scope);
        const key = this.eval(target.index, scope);
        if (obj.t === 'dict') setDictItem(obj, key, value, this.uncertainDepth);
        else if (obj.t === 'object' && obj.container === 'torch.ModuleDict' && key.t === 'str') {
          this.models.setContainerEntry(obj, key.v, value);
        } else if (obj.t === 'list' && key.t === 'num') {
          const idx = key.v < 0 ? obj.items.length + key.v : key.v;
          if (idx >= 0 && idx < obj.items.length) obj.items[idx] = value;
        }
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- classes and functions

  private defineClass(def: ClassDef, scope: Scope): ClassValue {
    const bases = def.bases.filter((b) => !b.name && !b.star).map((b) => this.eval(b.value, scope));
    const cls: ClassValue = { t: 'class', def, closure: scope, bases, attrs: new Map(), family: this.models.familyOf(bases) };
    const body = new Scope(scope, 'class');
    this.execBlock(def.body, body);
    for (const [k, v] of body.entries()) cls.attrs.set(k, v);
    this.models.noteClass(cls);
    return cls;
  }

  /** Finds an attribute on a class or its user-defined bases (MRO approximated depth-first). */
  findClassAttr(cls: ClassValue, name: string): { value: Value; owner: ClassValue } | null {
    const seen = new Set<ClassValue>();
    const visit = (c: ClassValue): { value: Value; owner: ClassValue } | null => {
      if (seen.has(c)) return null;
      seen.add(c);
      const v = c.attrs.get(name);
      if (v) return { value: v, owner: c };
      for (const b of c.bases) if (b.t === 'class') {
        const r = visit(b);
        if (r) return r;
      }
      return null;
    };
    return visit(cls);
  }

  callFunction(fn: FuncValue, args: EvaluatedArgs): Value {
    if (this.callDepth >= MAX_CALL_DEPTH) return UNKNOWN_V;
    this.callDepth++;
    this.pendingReturns.push([]);
    const scope = new Scope(fn.closure, 'function');
    try {
      this.bindParams(fn, args, scope);
      try {
        this.execBlock(fn.def.body, scope);
        return this.mergeReturns(this.pendingReturns[this.pendingReturns.length - 1].length ? NONE_V : undefined);
      } catch (e) {
        if (e instanceof ReturnSignal) return this.mergeReturns(e.value);
        if (e instanceof BreakSignal || e instanceof ContinueSignal) return UNKNOWN_V;
        throw e;
      }
    } finally {
      this.pendingReturns.pop();
      this.callDepth--;
    }
  }

  private bindParams(fn: FuncValue, args: EvaluatedArgs, scope: Scope): void {
    const params = fn.def.params;
    const positional = fn.self ? [fn.self, ...args.positional] : args.positional;
    let i = 0;
    for (const p of params) {
      if (p.star === '*') {
        scope.set(p.name, args.opaque ? UNKNOWN_V : { t: 'tuple', items: positional.slice(i) });
        i = positional.length;
        continue;
      }
      if (p.star === '**') {
        const entries: [Value, Value][] = [];
        for (const [k, v] of args.keywords) if (!params.some((q) => q.name === k && !q.star)) entries.push([str(k), v]);
        scope.set(p.name, args.opaque ? UNKNOWN_V : newDict(entries, this.uncertainDepth));
        continue;
      }
      let v: Value | undefined;
      if (i < positional.length) v = positional[i++];
      else if (args.keywords.has(p.name)) v = args.keywords.get(p.name);
      else if (args.opaque) v = UNKNOWN_V;
      else if (p.default) v = this.eval(p.default, fn.closure);
      scope.set(p.name, v ?? UNKNOWN_V);
    }
  }

  // ---------------------------------------------------------------- expressions

  eval(e: Expr, scope: Scope): Value {
    this.tick();
    switch (e.k) {
      case 'num':
        return num(e.value, e.isFloat);
      case 'str':
        return e.value === null ? UNKNOWN_V : str(e.value);
      case 'bool':
        return { t: 'bool', v: e.value };
      case 'none':
        return NONE_V;
      case 'name': {
        const v = this.lookupName(e.id, scope);
        this.models.noteTensor(e.r, e.id, v, true);
        return v;
      }
      case 'tuple':
      case 'list':
      case 'set': {
        const items: Value[] = [];
        for (const x of e.elts) {
          if (x.k === 'starred') {
            const inner = this.iterate(this.eval(x.value, scope));
            if (!inner) return UNKNOWN_V;
            items.push(...inner);
          } else items.push(this.eval(x, scope));
        }
        if (e.k === 'set') return UNKNOWN_V;
        return madeAt({ t: e.k, items }, this.uncertainDepth);
      }
      case 'dict': {
        const entries: [Value, Value][] = [];
        for (const it of e.items) {
          if (!it.key) {
            const inner = this.eval(it.value, scope);
            if (inner.t !== 'dict') return UNKNOWN_V;
            entries.push(...inner.entries);
          } else entries.push([this.eval(it.key, scope), this.eval(it.value, scope)]);
        }
        return newDict(entries, this.uncertainDepth);
      }
      case 'attr':
        return this.getAttr(this.eval(e.obj, scope), e.name, e.r);
      case 'call':
        return this.evalCall(e, scope);
      case 'sub':
        return this.subscript(this.eval(e.obj, scope), e.index, scope, e.r);
      case 'bin':
        return this.binary(e.op, this.eval(e.left, scope), this.eval(e.right, scope), e.r);
      case 'unary':
        return unaryOp(e.op, this.eval(e.operand, scope));
      case 'compare': {
        const vals = e.operands.map((o) => this.eval(o, scope));
        let result: boolean | null = true;
        for (let i = 0; i < e.ops.length && result !== false; i++) {
          const r = compareOp(e.ops[i], vals[i], vals[i + 1]);
          result = r === null ? null : result === null ? (r ? null : false) : r;
        }
        return result === null ? UNKNOWN_V : { t: 'bool', v: result };
      }
      case 'boolop': {
        if (e.op === 'not') {
          const t = truthy(this.eval(e.operands[0], scope));
          return t === null ? UNKNOWN_V : { t: 'bool', v: !t };
        }
        const a = this.eval(e.operands[0], scope);
        const ta = truthy(a);
        if (ta === null) return UNKNOWN_V;
        if (e.op === 'and') return ta ? this.eval(e.operands[1], scope) : a;
        return ta ? a : this.eval(e.operands[1], scope);
      }
      case 'cond': {
        const t = truthy(this.eval(e.test, scope));
        if (t === null) {
          const a = this.eval(e.body, scope);
          const b = this.eval(e.orelse, scope);
          return sameValue(a, b) ? a : UNKNOWN_V;
        }
        return this.eval(t ? e.body : e.orelse, scope);
      }
      case 'comp':
        return this.evalComprehension(e, scope);
      case 'slice':
      case 'starred':
      case 'unknown':
        return UNKNOWN_V;
    }
  }

  private evalComprehension(e: Extract<Expr, { k: 'comp' }>, scope: Scope): Value {
    const items = this.iterate(this.eval(e.iter, scope));
    if (!items) return UNKNOWN_V;
    const inner = new Scope(scope, 'function');
    const out: Value[] = [];
    for (const item of items) {
      this.assign(e.target, item, inner);
      let keep = true;
      for (const cond of e.ifs) {
        const t = truthy(this.eval(cond, inner));
        if (t === null) return UNKNOWN_V;
        keep &&= t;
      }
      if (keep) out.push(this.eval(e.elt, inner));
    }
    return e.kind === 'set' ? UNKNOWN_V : madeAt({ t: e.kind === 'list' ? 'list' : 'tuple', items: out }, this.uncertainDepth);
  }

  lookupName(id: string, scope: Scope): Value {
    const v = scope.lookup(id);
    if (v) return v;
    if (BUILTIN_NAMES.has(id) || id === 'super' || id === 'print' || id === 'isinstance') return { t: 'ext', path: `builtins.${id}` };
    for (const m of this.starModules) {
      const path = canonicalName(`${m}.${id}`);
      if (findLayer(path) || this.models.isKnownClass(path)) return { t: 'ext', path };
    }
    return UNKNOWN_V;
  }

  getAttr(obj: Value, name: string, range: TextRange): Value {
    switch (obj.t) {
      case 'module': {
        const path = canonicalName(`${obj.path}.${name}`);
        if (findLayer(path) || this.models.isKnownClass(path)) return { t: 'ext', path };
        return /^[a-z_0-9]+$/.test(name) && !findLayer(path) ? { t: 'module', path } : { t: 'ext', path };
      }
      case 'ext':
        return { t: 'ext', path: canonicalName(`${obj.path}.${name}`) };
      case 'object': {
        const a = obj.attrs.get(name);
        if (a) return a;
        if (obj.cls) {
          const found = this.findClassAttr(obj.cls, name);
          if (found) {
            if (found.value.t === 'func') return { ...found.value, self: obj, owner: found.owner };
            return found.value;
          }
        }
        return { t: 'method', self: obj, name, range };
      }
      case 'class': {
        const found = this.findClassAttr(obj, name);
        return found ? found.value : UNKNOWN_V;
      }
      case 'super': {
        const cls = obj.obj.cls;
        if (cls) {
          for (const b of cls.bases) {
            if (b.t === 'class') {
              const found = this.findClassAttr(b, name);
              if (found && found.value.t === 'func') return { ...found.value, self: obj.obj, owner: found.owner };
            }
          }
        }
        return { t: 'method', self: UNKNOWN_V, name: '__super__', range };
      }
      case 'tensor':
        if (name === 'shape') return this.models.shapeTuple(obj);
        if (name === 'ndim') return obj.shape && !obj.shape.open ? num(obj.shape.dims.length) : UNKNOWN_V;
        if (!obj.shape && obj.lib === 'numpy' && TABLE_ARRAY_ATTRIBUTES.has(name)) return { ...obj };
        if (name === 'T' && obj.shape && !obj.shape.open) {
          return { ...obj, shape: { dims: [...obj.shape.dims].reverse(), open: false } };
        }
        return { t: 'method', self: obj, name, range };
      case 'layer':
      case 'list':
      case 'dict':
      case 'tuple':
        return { t: 'method', self: obj, name, range };
      default:
        return UNKNOWN_V;
    }
  }

  private subscript(obj: Value, indexExpr: Expr, scope: Scope, range: TextRange): Value {
    if (indexExpr.k === 'slice') {
      const lo = indexExpr.lower ? this.eval(indexExpr.lower, scope) : NONE_V;
      const hi = indexExpr.upper ? this.eval(indexExpr.upper, scope) : NONE_V;
      const st = indexExpr.step ? this.eval(indexExpr.step, scope) : NONE_V;
      if (obj.t === 'tuple' || obj.t === 'list' || obj.t === 'str') return sliceValue(obj, lo, hi, st);
      if (obj.t === 'object' && obj.container) return UNKNOWN_V;
      if (obj.t === 'tensor') return this.models.indexTensor(obj, [indexExpr], scope, range);
      return UNKNOWN_V;
    }
    if (obj.t === 'tensor') {
      const parts = indexExpr.k === 'tuple' ? indexExpr.elts : [indexExpr];
      return this.models.indexTensor(obj, parts, scope, range);
    }
    const key = this.eval(indexExpr, scope);
    if ((obj.t === 'tuple' || obj.t === 'list') && key.t === 'num' && Number.isInteger(key.v)) {
      const i = key.v < 0 ? obj.items.length + key.v : key.v;
      return i >= 0 && i < obj.items.length ? obj.items[i] : UNKNOWN_V;
    }
    if (obj.t === 'str' && key.t === 'num') {
      const i = key.v < 0 ? obj.v.length + key.v : key.v;
      return i >= 0 && i < obj.v.length ? str(obj.v[i]) : UNKNOWN_V;
    }
    if (obj.t === 'dict') {
      const hit = obj.entries.find(([k]) => sameValue(k, key));
      return hit ? hit[1] : UNKNOWN_V;
    }
    if (obj.t === 'object') return this.models.indexContainer(obj, key);
    if (obj.t === 'range' && key.t === 'num') return num(obj.start + key.v * obj.step);
    return UNKNOWN_V;
  }

  binary(op: string, a: Value, b: Value, range: TextRange): Value {
    if (a.t === 'tensor' || b.t === 'tensor') return this.models.tensorBinary(op, a, b, range);
    return binaryOp(op, a, b);
  }

  evalArgs(args: Arg[], scope: Scope): EvaluatedArgs {
    const positional: Value[] = [];
    const keywords = new Map<string, Value>();
    let opaque = false;
    for (const a of args) {
      if (a.star === '*') {
        const items = this.iterate(this.eval(a.value, scope));
        if (items) positional.push(...items);
        else opaque = true;
      } else if (a.star === '**') {
        const d = this.eval(a.value, scope);
        if (d.t === 'dict' && d.entries.every(([k]) => k.t === 'str')) {
          for (const [k, v] of d.entries) keywords.set((k as { v: string }).v, v);
        } else opaque = true;
      } else if (a.name) keywords.set(a.name, this.eval(a.value, scope));
      else positional.push(this.eval(a.value, scope));
    }
    return { positional, keywords, opaque };
  }

  private evalCall(e: Extract<Expr, { k: 'call' }>, scope: Scope): Value {
    const callee = this.eval(e.func, scope);
    const args = this.evalArgs(e.args, scope);
    return this.call(callee, args, e, scope);
  }

  call(callee: Value, args: EvaluatedArgs, site: Extract<Expr, { k: 'call' }>, scope: Scope): Value {
    switch (callee.t) {
      case 'func':
        return this.callFunction(callee, args);
      case 'class':
        return this.models.instantiate(callee, args, site);
      case 'ext':
        return this.callExternal(callee.path, args, site, scope);
      case 'object':
      case 'layer':
        return this.models.callModel(callee, args, site);
      case 'method':
        return this.models.callMethod(callee, args, site);
      default:
        return UNKNOWN_V;
    }
  }

  private callExternal(path: string, args: EvaluatedArgs, site: Extract<Expr, { k: 'call' }>, scope: Scope): Value {
    if (path.startsWith('builtins.')) {
      const name = path.slice('builtins.'.length);
      if (name === 'super') {
        const self = scope.lookup('self');
        return self && self.t === 'object' ? { t: 'super', obj: self } : UNKNOWN_V;
      }
      if (name === 'dict') return callDict(args, this.uncertainDepth);
      if (name === 'len' && lengthUnknown(args.positional[0])) return UNKNOWN_V;
      const result = callBuiltin(name, args.positional) ?? UNKNOWN_V;
      return result.t === 'list' ? madeAt(result, this.uncertainDepth) : result;
    }
    if (path.startsWith('math.')) return callMath(path.slice(5), args.positional);
    return this.models.callQualified(path, args, site);
  }

  dim = dimValue;
}

function sliceValue(obj: Value & { t: 'tuple' | 'list' | 'str' }, lo: Value, hi: Value, st: Value): Value {
  const len = obj.t === 'str' ? obj.v.length : obj.items.length;
  const get = (v: Value, dflt: number) => (v.t === 'none' ? dflt : v.t === 'num' && Number.isInteger(v.v) ? v.v : null);
  const step = get(st, 1);
  if (step === null || step === 0) return UNKNOWN_V;
  let start = get(lo, step > 0 ? 0 : len - 1);
  let stop = get(hi, step > 0 ? len : -len - 1);
  if (start === null || stop === null) return UNKNOWN_V;
  const norm = (x: number, isStop: boolean) => {
    if (x < 0) x += len;
    if (step > 0) return Math.min(Math.max(x, 0), len);
    return Math.min(Math.max(x, isStop ? -1 : 0), len - 1);
  };
  start = norm(start, false);
  stop = lo.t === 'none' && step < 0 ? norm(start, false) : norm(stop, true);
  if (hi.t === 'none' && step < 0) stop = -1;
  const idx: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) idx.push(i);
  if (obj.t === 'str') return str(idx.map((i) => obj.v[i]).join(''));
  return { t: obj.t, items: idx.map((i) => obj.items[i]) };
}

export type { ObjectValue };
