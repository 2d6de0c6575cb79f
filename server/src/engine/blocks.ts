/**
 * Splits a module's top-level statements into blocks the interpreter can run apart and still
 * compute what one run of the whole module computes (engine/incremental.ts caches per block).
 *
 * Only names link top-level statements in the interpreter (objects, lists and models are
 * reached through a name; the model layer's one other shared state, layer-name counters, is
 * carried from block to block). So a statement depends on:
 *  - for a name it reads as it runs: the statements that may have bound it since the last
 *    statement that surely did;
 *  - for a name a function or method body reads (it runs when called, maybe at the module's
 *    end when unused models are probed): every statement that binds it.
 * A block boundary is where no dependency crosses. Plain imports whose names nothing else binds
 * are the shared prelude: every block runs them in place (and so any edit of one re-runs all).
 * What the analysis cannot follow (a star import, a prelude name assigned into, a `return` at
 * the top level, which ends the whole body, a budget) makes the caller fall back to one run of
 * the whole module.
 */
import type { Arg, Expr, FunctionDef, Stmt } from './syntax/ast';

export interface BlockPlan {
  /** Imports every block runs. */
  prelude: boolean[];
  /** Blocks as ranges of unit indices [first, last], in order; prelude units in between belong to none. */
  blocks: [number, number][];
  /**
   * Per block: whether a function body in it names something a later block binds. Code that
   * runs after the module body (a model probed) would see that later binding: when `endLinks` was
   * off, such a block is only right if nothing of it ran then.
   */
  laterBound: boolean[];
}

/** What one top-level statement (or the statements of an error node) binds, reads and imports. */
export interface UnitNames {
  /** Bound at the top level; `sure` when unconditionally (not under if/for/try/with/while). */
  binds: Set<string>;
  sure: Set<string>;
  /** Read while the statement runs. */
  reads: Set<string>;
  /** Read by function and lambda bodies, whenever they are called. */
  late: Set<string>;
  /** Roots of attribute or item assignments, augmented assignments (`x.a = …`, `x[0] = …`, `x += …`). */
  mutated: Set<string>;
  starImport: boolean;
  /** A `return` outside any function: the interpreter stops the whole module body there. */
  topReturn: boolean;
  isImport: boolean;
  definesClass: boolean;
  /** Dotted names of the modules it imports anywhere (functions import when called); `relative` for `from . import`. */
  imports: string[];
  relativeImport: boolean;
}

/**
 * The block plan, or null when the statements' dependencies cannot be determined. With
 * `endLinks`, code that may run after the body (methods, probed) also depends on the last
 * bindings in the file; without, the caller checks `laterBound` against what ran at the end.
 */
export function planBlocks(names: UnitNames[], endLinks = true): BlockPlan | null {
  const count = names.length;
  if (names.some((n) => n.starImport || n.topReturn)) return null;
  const boundByCode = new Set<string>();
  for (const n of names) if (!n.isImport) for (const b of n.binds) boundByCode.add(b);
  const prelude = names.map((n) => n.isImport && [...n.binds].every((b) => !boundByCode.has(b)));
  const preludeNames = new Set<string>();
  names.forEach((n, i) => prelude[i] && n.binds.forEach((b) => preludeNames.add(b)));
  // Assigning into an imported module (monkey-patching) changes what every later block sees.
  if (names.some((n) => [...n.mutated].some((m) => preludeNames.has(m)))) return null;
  const binders = new Map<string, number[]>();
  names.forEach((n, i) => {
    if (prelude[i]) return;
    for (const b of n.binds) binders.set(b, [...(binders.get(b) ?? []), i]);
  });
  // spans[k] > 0: some dependency crosses the boundary between unit k and k + 1.
  const spans = new Array<number>(count + 1).fill(0);
  const link = (a: number, b: number) => {
    if (a === b) return;
    spans[Math.min(a, b)]++;
    spans[Math.max(a, b)]--;
  };
  const atEnd = endLinks ? runsAtEnd(names, binders) : new Set<number>();
  names.forEach((n, j) => {
    if (prelude[j]) return;
    for (const x of n.reads) for (const i of bindersSeenAt(binders.get(x) ?? [], names, x, j)) link(i, j);
    // A call in the module body comes after the definition and reads the function's name, so it
    // is in the same block, and so is every binding between the two: only earlier ones link.
    for (const x of n.late) for (const i of bindersSeenAt(binders.get(x) ?? [], names, x, j)) link(i, j);
    // Code that may run when the module ended (models probed) sees the last bindings.
    if (atEnd.has(j)) for (const x of n.late) for (const i of bindersSeenAt(binders.get(x) ?? [], names, x, count)) link(i, j);
  });
  const blocks: [number, number][] = [];
  let open = 0;
  let current: [number, number] | null = null;
  for (let k = 0; k < count; k++) {
    if (!prelude[k]) {
      if (current && open === 0 && current[1] < k) {
        // No dependency reaches past the previous code unit: a new block starts here.
        blocks.push(current);
        current = null;
      }
      if (current) current[1] = k;
      else current = [k, k];
    }
    open += spans[k];
  }
  if (current) blocks.push(current);
  const laterBound = blocks.map(([first, last]) => names.slice(first, last + 1).some((n) => [...n.late].some((x) => (binders.get(x) ?? []).some((i) => i > last))));
  return { prelude, blocks, laterBound };
}

/**
 * Units whose code may run after the module body, when unused classes are instantiated and
 * models probed: those that define classes, and whatever their method bodies name, transitively.
 */
function runsAtEnd(names: UnitNames[], binders: Map<string, number[]>): Set<number> {
  const out = new Set<number>();
  const todo = names.flatMap((n, i) => (n.definesClass ? [i] : []));
  for (let i = todo.pop(); i !== undefined; i = todo.pop()) {
    if (out.has(i)) continue;
    out.add(i);
    for (const x of names[i].late) todo.push(...(binders.get(x) ?? []));
  }
  return out;
}

/** The binders of `x` whose binding a read in unit `j` may see: since the last sure one before it. */
function bindersSeenAt(all: number[], names: UnitNames[], x: string, j: number): number[] {
  const before = all.filter((i) => i < j);
  let from = 0;
  for (let k = before.length - 1; k >= 0; k--) {
    if (names[before[k]].sure.has(x)) {
      from = k;
      break;
    }
  }
  return before.slice(from);
}

/** Whether two units have the same names (so the same plan). */
export function sameNames(a: UnitNames, b: UnitNames): boolean {
  if (a === b) return true;
  const sets = (['binds', 'sure', 'reads', 'late', 'mutated'] as const).every((k) => a[k].size === b[k].size && [...a[k]].every((x) => b[k].has(x)));
  const flags = (['starImport', 'topReturn', 'isImport', 'definesClass', 'relativeImport'] as const).every((k) => a[k] === b[k]);
  return sets && flags && a.imports.length === b.imports.length && a.imports.every((x, i) => x === b.imports[i]);
}

/** The names of one unit: a top-level statement, or the statements of an error node. */
export function unitNames(stmts: Stmt[]): UnitNames {
  const n: UnitNames = {
    binds: new Set(),
    sure: new Set(),
    reads: new Set(),
    late: new Set(),
    mutated: new Set(),
    starImport: false,
    topReturn: false,
    isImport: false,
    definesClass: false,
    imports: [],
    relativeImport: false,
  };
  n.isImport = stmts.length > 0 && stmts.every((s) => (s.k === 'import' || s.k === 'from') && !(s.k === 'from' && s.level > 0));
  const top = new Walker(n, null, false);
  for (const s of stmts) top.stmt(s, true);
  return n;
}

/**
 * Collects names the way the interpreter resolves them: a plain chain of scopes (no Python
 * "assigned anywhere means local" rule), so a name counts as a function's or class's own only
 * once a statement at the top of its body surely bound it. `own` is null at the top level;
 * `late` says whether the code being walked runs later (a function body) or at once.
 */
class Walker {
  constructor(
    private readonly n: UnitNames,
    private readonly own: Set<string> | null,
    private readonly late: boolean,
    /** At the top level: names this statement itself bound on the way to the code being walked. */
    private readonly shadow = new Set<string>(),
  ) {}

  private read(name: string): void {
    if (this.own?.has(name) || (this.own === null && this.shadow.has(name))) return;
    (this.late ? this.n.late : this.n.reads).add(name);
  }

  /**
   * `sure`: the module surely has the binding after this statement. `seen`: the code walked next
   * by this walker (the rest of its body) sees it (not so after a loop, which may not run).
   */
  private bind(target: Expr, sure: boolean, seen = true): void {
    switch (target.k) {
      case 'name':
        if (this.own === null) {
          if (seen) this.shadow.add(target.id);
          this.n.binds.add(target.id);
          if (sure) this.n.sure.add(target.id);
        } else if (seen) this.own.add(target.id);
        return;
      case 'tuple':
      case 'list':
        for (const e of target.elts) this.bind(e, sure, seen);
        return;
      case 'starred':
        this.bind(target.value, sure, seen);
        return;
      default:
        // `x.a = …`, `x[i] = …`: reads x (and changes what it holds).
        this.mutate(target);
        this.expr(target);
    }
  }

  private mutate(target: Expr): void {
    let root = target;
    while (root.k === 'attr' || root.k === 'sub') root = root.obj;
    if (root.k === 'name' && !this.own?.has(root.id)) this.n.mutated.add(root.id);
  }

  private bindName(name: string, sure: boolean): void {
    this.bind({ k: 'name', id: name, r: { start: 0, end: 0 } }, sure);
  }

  stmt(s: Stmt, sure: boolean): void {
    switch (s.k) {
      case 'assign':
        this.expr(s.value);
        if (s.annotation) this.expr(s.annotation);
        for (const t of s.targets) this.bind(t, sure);
        return;
      case 'augassign':
        this.expr(s.value);
        this.mutate(s.target);
        this.expr(s.target);
        this.bind(s.target, false);
        return;
      case 'expr':
        this.expr(s.value);
        return;
      case 'return':
        if (!this.late) this.n.topReturn = true;
        if (s.value) this.expr(s.value);
        return;
      case 'def':
        for (const d of s.decorators) this.expr(d);
        this.func(s);
        this.bindName(s.name, sure);
        return;
      case 'class': {
        this.n.definesClass = true;
        this.args(s.bases);
        // A class body runs at once, in a namespace of its own.
        const body = new Walker(this.n, new Set(), this.late);
        for (const b of s.body) body.stmt(b, true);
        this.bindName(s.name, sure);
        return;
      }
      case 'with':
        // Its body always runs: what it binds is seen after it.
        for (const it of s.items) {
          this.expr(it.value);
          if (it.alias) this.bind(it.alias, sure);
        }
        for (const b of s.body) this.stmt(b, sure);
        return;
      case 'for': {
        this.expr(s.iter);
        // The body runs only once the target is bound; after the loop it may not be.
        const body = this.branch();
        body.bind(s.target, false);
        body.stmts(s.body);
        this.bind(s.target, false, false);
        this.branch().stmts(s.orelse);
        return;
      }
      case 'while':
      case 'if':
        this.expr(s.test);
        this.branch().stmts(s.body);
        this.branch().stmts(s.orelse);
        return;
      case 'try':
        // A handler or `finally` may run after any part of the body: they start from before it.
        this.branch().stmts(s.body);
        for (const h of s.handlers) this.branch().stmts(h);
        this.branch().stmts(s.orelse);
        this.branch().stmts(s.finalbody);
        return;
      case 'import':
        for (const m of s.names) {
          this.n.imports.push(m.module);
          this.bindName(m.alias ?? m.module.split('.')[0], sure);
        }
        return;
      case 'from':
        if (s.star) this.n.starImport = true;
        if (s.level > 0) this.n.relativeImport = true;
        this.n.imports.push(s.module, ...s.names.map((m) => `${s.module}.${m.name}`));
        for (const m of s.names) this.bindName(m.alias ?? m.name, sure);
        return;
      case 'raise':
        if (s.exc) this.expr(s.exc);
        return;
      case 'assert':
        this.expr(s.test);
        if (s.msg) this.expr(s.msg);
        return;
      case 'other':
        return;
    }
  }

  private stmts(body: Stmt[]): void {
    for (const s of body) this.stmt(s, false);
  }

  /** A walker for a nested body that may not run: what it binds is seen by the rest of that body only. */
  private branch(): Walker {
    return new Walker(this.n, this.own && new Set(this.own), this.late, new Set(this.shadow));
  }

  /** A function or lambda: defaults and annotations are read now, the body when it is called. */
  private func(def: FunctionDef): void {
    for (const p of def.params) {
      if (p.default) this.expr(p.default);
      if (p.annotation) this.expr(p.annotation);
    }
    const own = new Set(this.late ? this.own ?? [] : []);
    for (const p of def.params) own.add(p.name);
    const body = new Walker(this.n, own, true);
    for (const s of def.body) body.stmt(s, true);
  }

  private args(args: Arg[]): void {
    for (const a of args) this.expr(a.value);
  }

  expr(e: Expr): void {
    switch (e.k) {
      case 'name':
        this.read(e.id);
        return;
      case 'str':
        for (const p of e.parts ?? []) if (typeof p !== 'string') this.expr(p.expr);
        return;
      case 'tuple':
      case 'list':
      case 'set':
        for (const x of e.elts) this.expr(x);
        return;
      case 'dict':
        for (const it of e.items) {
          if (it.key) this.expr(it.key);
          this.expr(it.value);
        }
        return;
      case 'attr':
        this.expr(e.obj);
        return;
      case 'call':
        this.expr(e.func);
        this.args(e.args);
        return;
      case 'sub':
        this.expr(e.obj);
        this.expr(e.index);
        return;
      case 'slice':
        for (const x of [e.lower, e.upper, e.step]) if (x) this.expr(x);
        return;
      case 'bin':
        this.expr(e.left);
        this.expr(e.right);
        return;
      case 'unary':
        this.expr(e.operand);
        return;
      case 'starred':
        this.expr(e.value);
        return;
      case 'cond':
        this.expr(e.test);
        this.expr(e.body);
        this.expr(e.orelse);
        return;
      case 'compare':
        for (const x of e.operands) this.expr(x);
        return;
      case 'boolop':
        for (const x of e.operands) this.expr(x);
        return;
      case 'comp': {
        this.expr(e.iter);
        // The target is the comprehension's own; its element and conditions read it first.
        const own = new Set(this.own ?? []);
        collectTargets(e.target, own);
        const inner = new Walker(this.n, own, this.late);
        inner.expr(e.elt);
        for (const c of e.ifs) inner.expr(c);
        return;
      }
      case 'lambda':
        this.func(e.def);
        return;
      case 'num':
      case 'bool':
      case 'none':
      case 'unknown':
        return;
    }
  }
}

function collectTargets(t: Expr, into: Set<string>): void {
  if (t.k === 'name') into.add(t.id);
  else if (t.k === 'tuple' || t.k === 'list') t.elts.forEach((x) => collectTargets(x, into));
  else if (t.k === 'starred') collectTargets(t.value, into);
}
