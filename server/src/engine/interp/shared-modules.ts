/**
 * Imported modules evaluated once per process and shared by every analysis that imports them
 * (issue 9's per-module results): a model module imported by 50 scripts runs its definitions
 * once, not 50 times.
 *
 * A module's evaluation is reusable when it is a pure function of its text, the modules it
 * imports and the options: its body made no model values (layers, objects, tensors), called no
 * function, and left only values nothing mutates in place in its scope (numbers, strings,
 * tuples of them, functions, classes, other shared modules). Its key is its path, its text (the
 * host's content hash when given) and the options; every name lookup its evaluation made (its
 * imports', transitively, misses included) is recorded with what it found, and a reuse checks
 * each against the analysis's own resolution, so a new module that now shadows an import is
 * never answered with the old evaluation. A shared module's offsets are fixed (it lives in a
 * region of offsets of its own, far above any analysed text), its scope is frozen (writes go to
 * the running analysis's overlay, `scope.ts`), and a reuse charges the steps the evaluation
 * took, so budgets behave as in a fresh analysis.
 */
import type { AnalyzeOptions, ModuleSource } from '../types';
import type { LoadedModule } from './program';
import type { Value } from './values';

/** Shared modules live at offsets from here on (far above any text one analysis holds). */
export const SHARED_BASE = 2 ** 40;
/** Most evaluations kept (least recently used dropped). */
const MAX_SHARED = 512;
/** Deepest value nesting looked at when deciding whether a scope is immutable. */
const MAX_VALUE_DEPTH = 12;

/** One name lookup of an evaluation and its result: the module file (by path and content), or none. */
export interface Lookup {
  name: string;
  path: string | null;
  identity: string | null;
  /** The shared module it loaded, when it loaded one (a `has` check loads none). */
  mod?: LoadedModule;
}

export interface SharedEvaluation {
  mod: LoadedModule;
  /** Every lookup the evaluation made, its imports' included. */
  lookups: Lookup[];
  /** The shared modules it loaded, transitively, in load order (itself last). */
  modules: LoadedModule[];
  /** Interpreter steps the evaluation took (charged again on reuse). */
  steps: number;
  effects: BodyEffects;
}

/** What a module's body did besides defining names (from the interpreter). */
export interface BodyEffects {
  /** It made no model value, tensor fact or diagnostic. */
  pure: boolean;
  /** Model-value touches and calls it made (counted again on reuse, so later counts match a fresh analysis). */
  touches: number;
  calls: number;
}

/** The evaluations of one process (host-owned: the CLI's lint processes and the server's analysis process keep one). */
export class SharedModules {
  private nextBase = SHARED_BASE;
  private readonly byKey = new Map<string, SharedEvaluation>();
  private readonly impure = new Set<string>();
  /** How many loads took a shared evaluation (for tests and the bench). */
  reuses = 0;

  key(source: ModuleSource, optionsKey: string): string {
    return `${optionsKey}\0${source.path}\0${identityOf(source)}`;
  }

  get(key: string): SharedEvaluation | undefined {
    const hit = this.byKey.get(key);
    if (hit) {
      this.byKey.delete(key);
      this.byKey.set(key, hit);
    }
    return hit;
  }

  /** Whether the module was found not shareable before (it is then placed like an unshared module). */
  isImpure(key: string): boolean {
    return this.impure.has(key);
  }

  markImpure(key: string): void {
    if (this.impure.size >= MAX_SHARED * 4) this.impure.clear();
    this.impure.add(key);
  }

  /** A fresh base for a module of `length` characters that may become shared. */
  allocate(length: number): number {
    const base = this.nextBase;
    this.nextBase += length + 1;
    return base;
  }

  put(key: string, evaluation: SharedEvaluation): void {
    evaluation.mod.scope.freeze();
    evaluation.mod.shared = evaluation;
    this.byKey.delete(key);
    this.byKey.set(key, evaluation);
    for (const k of this.byKey.keys()) {
      if (this.byKey.size <= MAX_SHARED) break;
      this.byKey.delete(k);
    }
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** How a reuse recognises the same file content: the host's content hash, else the text itself. */
export function identityOf(source: ModuleSource): string {
  return source.hash ?? source.text;
}

/** Whether every value of a module's scope is one no analysis mutates in place. */
export function immutableScope(mod: LoadedModule): boolean {
  const seen = new Set<Value>();
  for (const [, v] of mod.scope.entries()) if (!immutable(v, mod, seen, 0)) return false;
  return true;
}

function immutable(v: Value, self: LoadedModule, seen: Set<Value>, depth: number): boolean {
  if (seen.has(v)) return true;
  if (depth > MAX_VALUE_DEPTH) return false;
  seen.add(v);
  switch (v.t) {
    case 'unknown':
    case 'num':
    case 'str':
    case 'bool':
    case 'none':
    case 'range':
    case 'ext':
      return true;
    case 'tuple':
      return v.items.every((x) => immutable(x, self, seen, depth + 1));
    case 'module':
      return !v.mod || v.mod === self || v.mod.shared !== undefined;
    case 'func':
      return v.self === undefined;
    case 'class':
      return v.bases.every((b) => immutable(b, self, seen, depth + 1)) && [...v.attrs.values()].every((x) => immutable(x, self, seen, depth + 1));
    default:
      return false;
  }
}

/** Options that are the entry's own or not data (they never change what a module's definitions are). */
const ENTRY_OPTIONS = new Set(['modules', 'moduleName', 'isPackage', 'cells', 'clock', 'onTargetCheck', 'conversionCache']);

/** The options a shared evaluation is valid for (plain data, the entry's own left out). */
export function optionsKey(options: AnalyzeOptions): string {
  return JSON.stringify(options, (k, v) => (ENTRY_OPTIONS.has(k) || typeof v === 'function' ? undefined : v));
}
