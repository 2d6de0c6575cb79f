/**
 * The modules of one multi-file analysis. The analysed file (the entry) and every module it
 * imports live in one space of offsets: the entry at offset 0, each unshared imported module
 * appended after it, and each module shared between analyses (`shared-modules.ts`) at the fixed
 * offsets of its one evaluation, far above. An offset names a place in exactly one module, so the
 * interpreter and model layer keep working on plain offsets; `moduleAt` maps an offset back to
 * its module and `sourceText` reads the text there.
 *
 * Modules are loaded lazily, on the first import that names them, and run once (their scope is
 * cached), or taken from the host's shared evaluations when every import they made still
 * resolves the same way. A module imported while it is still running (an import cycle) is handed
 * out as it is so far, as Python hands out a partially initialised module.
 */
import { lastIndexAtMost } from '../bisect';
import type { Meter } from '../budget';
import type { Module } from '../syntax/ast';
import { LineIndex, lineNumberName, linePlaceholder, PLACEHOLDER_OPEN, type CellSpan } from '../positions';
import { convertModuleAt } from '../syntax/convert';
import type { ParsedTree } from '../syntax/tree';
import type { ImportedModule, ModuleProvider, ModuleSource, TextRange } from '../types';
import { containerReads, Scope } from './scope';
import { identityOf, shareableScopes, type BodyEffects, type Lookup, type SharedEvaluation } from './shared-modules';

/** Most modules one analysis loads; past it, imports are unknown (a bounded analysis). */
const MAX_MODULES = 1000;

export interface LoadedModule {
  name: string;
  /** Null for the entry. */
  source: ModuleSource | null;
  isPackage: boolean;
  /** Where the module's text starts and ends in the program's offsets. */
  base: number;
  end: number;
  scope: Scope;
  /** Set while its body runs: importing it again then gives the partial module. */
  running: boolean;
  lines?: LineIndex;
  /** Comments of an imported module (program offsets), for its suppression comments. */
  comments?: Module['comments'];
  /** Set on a module evaluated once and shared between analyses (its scope is frozen). */
  shared?: SharedEvaluation;
}

/** What runs a module's body for the program (the interpreter). */
export interface ModuleRunner {
  /** Runs a freshly loaded module's body in its own scope and says what else it did. */
  run(mod: LoadedModule, ast: Module): BodyEffects;
  /** A shared evaluation was taken instead of running the body: count what that body did. */
  reused(effects: BodyEffects): void;
}

/** The lookups and shared modules of a module being evaluated, while it may still become shared. */
interface Recording {
  mod: LoadedModule;
  lookups: Lookup[];
  modules: LoadedModule[];
  /** False once it depends on something no other analysis would see alike (a partial or unshared module). */
  ok: boolean;
  /**
   * `containerReads()` when it started: an evaluation that read a shared list or dict (the
   * running analysis's copy, which it may have changed) is not shared.
   */
  containerReads: number;
}

export class Program {
  private pieces: string[];
  private joined: string | null = null;
  private contiguousEnd: number;
  /** By base, ascending. */
  readonly modules: LoadedModule[] = [];
  /** The imported modules in the order they were loaded (or taken shared). */
  private readonly loaded: LoadedModule[] = [];
  private readonly byName = new Map<string, LoadedModule | null>();
  private readonly trees: ParsedTree[] = [];
  /** Modules being evaluated that may become shared (innermost last). */
  private readonly recordings: Recording[] = [];
  /**
   * Every lookup this analysis depended on, in segments (`newSegment`: the interpreter starts
   * one per top-level statement): its own lookups, names it found already loaded, and the
   * lookups of each shared evaluation it took (transitively). A result is valid for as long as
   * each resolves alike (incremental.ts).
   */
  private readonly segments: Map<string, Lookup>[] = [new Map()];

  constructor(
    entryText: string,
    readonly entry: LoadedModule,
    private readonly provider: ModuleProvider | undefined,
    private readonly meter: Meter,
    /** The options a shared evaluation must have been made with (`optionsKey`). */
    private readonly optionsKey = '',
    /** Whether `dependencies()` will be asked for (only a block run of the editor's incremental analysis reads them). */
    private readonly keepsDependencies = true,
  ) {
    this.pieces = [entryText];
    this.contiguousEnd = entryText.length;
    this.modules.push(entry);
    if (entry.name) this.byName.set(entry.name, entry);
  }

  /** The entry and the unshared modules appended to it (shared modules' offsets lie beyond). */
  get text(): string {
    return (this.joined ??= this.pieces.join(''));
  }

  /** The source between two offsets of one module. */
  sourceText(start: number, end: number): string {
    const m = this.moduleAt(start);
    const own = m.source ? m.source.text : this.pieces[0];
    return own.slice(start - m.base, end - m.base);
  }

  get multiFile(): boolean {
    return this.provider !== undefined;
  }

  /**
   * The module a dotted name resolves to, loaded (its body run by `runner`) on first use, or null
   * when the host knows no such project module or stub. `passThrough`: the importing code will not
   * see this module's names, only a submodule's (see `notePassedThrough`).
   */
  load(name: string, runner: ModuleRunner, passThrough = false): LoadedModule | null {
    const cached = this.byName.get(name);
    if (cached !== undefined) {
      if (passThrough && cached?.source) this.notePassedThrough(name, cached.source);
      else this.noteCached(name, cached);
      this.logCached(name, cached);
      return cached;
    }
    if (!this.provider || this.modules.length >= MAX_MODULES || !/^[A-Za-z_][\w.]*$/.test(name)) {
      this.spoilRecordings(0);
      return null;
    }
    const source = this.provider.find(name) ?? null;
    const lookup: Lookup = { name, path: source?.path ?? null, identity: source ? identityOf(source) : null };
    for (const r of this.recordings) r.lookups.push(lookup);
    this.log([lookup]);
    if (!source) {
      this.byName.set(name, null);
      return null;
    }
    const store = this.provider.shared && this.provider.parsed ? this.provider.shared : undefined;
    const key = store?.key(source, this.optionsKey);
    const reused = key !== undefined ? this.reuse(store!.get(key), runner) : null;
    if (reused) {
      store!.reuses++;
      lookup.mod = reused;
      return reused;
    }
    const stepsBefore = this.meter.used;
    this.meter.charge(1 + Math.ceil(source.text.length / 100));
    const shareable = store && key !== undefined && !store.isImpure(key);
    const base = shareable ? store.allocate(source.text.length) : this.append(source.text);
    const mod: LoadedModule = { name, source, isPackage: source.isPackage, base, end: base + source.text.length, scope: new Scope(null, 'module'), running: true };
    mod.scope.module = mod;
    this.insert(mod);
    this.byName.set(name, mod);
    const recording: Recording | null = shareable ? { mod, lookups: [], modules: [], ok: true, containerReads: containerReads() } : null;
    if (recording) this.recordings.push(recording);
    let effects: BodyEffects;
    // A tree the host keeps is shared between analyses; one parsed here is disposed at the end.
    const kept = this.provider.parsed?.(source);
    const tree = kept?.tree ?? this.provider.parser.parse(source.text);
    if (!kept) this.trees.push(tree);
    try {
      const ast = convertModuleAt(tree.rootNode, this.meter, base, kept?.conversions, source.text, tree);
      mod.comments = ast.comments;
      effects = runner.run(mod, ast);
    } finally {
      mod.running = false;
      if (recording) this.recordings.pop();
    }
    const scopes = recording && effects.pure ? shareableScopes(mod) : null;
    if (recording && kept && recording.ok && scopes && containerReads() === recording.containerReads) {
      const modules = [...new Set([...recording.modules, mod])];
      store!.put(key!, { mod, lookups: uniqueLookups(recording.lookups), modules, steps: this.meter.used - stepsBefore, effects }, scopes);
      lookup.mod = mod;
      for (const r of this.recordings) r.modules.push(mod);
    } else {
      if (recording && !scopes) store!.markImpure(key!);
      this.spoilRecordings(0);
    }
    return mod;
  }

  /** Whether the host knows `name` as a module, without loading it. */
  has(name: string): boolean {
    const cached = this.byName.get(name);
    if (cached !== undefined) {
      this.noteCached(name, cached);
      this.logCached(name, cached);
      return cached !== null;
    }
    const source = this.provider?.find(name);
    const lookup: Lookup = { name, path: source?.path ?? null, identity: source ? identityOf(source) : null };
    for (const r of this.recordings) r.lookups.push(lookup);
    this.log([lookup]);
    return !!source;
  }

  /**
   * A shared evaluation, taken when every lookup it made resolves alike here (the same file
   * with the same content, or still nothing) and its modules fit in with those already loaded.
   */
  private reuse(e: SharedEvaluation | undefined, runner: ModuleRunner): LoadedModule | null {
    if (!e || this.modules.length + e.modules.length > MAX_MODULES) return null;
    if (!e.lookups.every((l) => this.resolvesAs(l))) return null;
    if (e.modules.some((m) => this.byName.has(m.name) && this.byName.get(m.name) !== m)) return null;
    for (const m of e.modules) {
      if (this.byName.has(m.name)) continue;
      this.insert(m);
      this.byName.set(m.name, m);
    }
    this.meter.charge(e.steps);
    runner.reused(e.effects);
    this.log(e.lookups);
    for (const r of this.recordings) {
      r.lookups.push(...e.lookups);
      r.modules.push(...e.modules);
    }
    return e.mod;
  }

  private resolvesAs(l: Lookup): boolean {
    const cached = this.byName.get(l.name);
    if (cached === null) return l.path === null;
    if (cached !== undefined) return l.mod ? cached === l.mod : (cached.source?.path ?? null) === l.path;
    return sameResolution(this.provider, l);
  }

  /** A module already loaded is named again: evaluations under way now depend on it. */
  private noteCached(name: string, cached: LoadedModule | null): void {
    if (!this.recordings.length) return;
    if (cached === null) {
      for (const r of this.recordings) r.lookups.push({ name, path: null, identity: null });
      return;
    }
    if (cached.shared) {
      const lookup: Lookup = { name, path: cached.source!.path, identity: identityOf(cached.source!), mod: cached };
      for (const r of this.recordings) r.lookups.push(lookup, ...cached.shared.lookups), r.modules.push(...cached.shared.modules);
      return;
    }
    // A partial module (a cycle) or an unshared one: what reads it can only be shared from outside the cycle.
    const owner = this.recordings.findIndex((r) => r.mod === cached);
    this.spoilRecordings(owner + 1);
  }

  /**
   * A package loaded already is passed through on the way to its submodule (`from a.b.c import x`
   * with `a.b` loaded): the code importing sees none of the package's names, so a package still
   * running (the submodule is one of its own imports) does not keep that code from being shared.
   * It depends only on the package's file being the same.
   */
  private notePassedThrough(name: string, source: ModuleSource): void {
    if (!this.recordings.length) return;
    const lookup: Lookup = { name, path: source.path, identity: identityOf(source) };
    for (const r of this.recordings) r.lookups.push(lookup);
  }

  /** Evaluations under way from `from` on (innermost last) can no longer be shared. */
  private spoilRecordings(from: number): void {
    for (let i = from; i < this.recordings.length; i++) this.recordings[i].ok = false;
  }

  /** Appends an unshared module's text after the entry's; returns its base. */
  private append(text: string): number {
    const base = this.contiguousEnd + 1;
    this.pieces.push('\n', text);
    this.joined = null;
    this.contiguousEnd = base + text.length;
    return base;
  }

  private insert(mod: LoadedModule): void {
    this.loaded.push(mod);
    let i = this.modules.length;
    while (i > 0 && this.modules[i - 1].base > mod.base) i--;
    this.modules.splice(i, 0, mod);
  }

  /** The module holding `offset` (the entry for offsets in no imported module). */
  moduleAt(offset: number): LoadedModule {
    return this.modules[lastIndexAtMost(this.modules.length, (i) => this.modules[i].base, offset)];
  }

  inEntry(r: TextRange): boolean {
    return this.moduleAt(r.start) === this.entry;
  }

  isStub(r: TextRange): boolean {
    return !!this.moduleAt(r.start).source?.stub;
  }

  /** Whether a line of the entry was shown as a number (the result then depends on where its code stands). */
  entryLinesShown = false;

  /**
   * Set for a block run (engine/incremental.ts): its span of the entry. A line shown inside it is
   * written as a placeholder relative to the line the span starts on, which the assembly renders
   * where the block stands now: the run stays valid when lines above it move.
   */
  relativeLines: { start: number; end: number; line: number } | null = null;
  /** Whether a line placeholder was written. */
  placeholders = false;

  /** How a shown line of `offset` reads, within its own module: `line 12`, or `cell 2, line 3` with `cells`. */
  lineName(offset: number, cells?: readonly CellSpan[]): string {
    const line = this.lineKey(offset);
    if (this.moduleAt(offset) !== this.entry) return lineNumberName(line, cells);
    const span = this.relativeLines;
    if (span && offset >= span.start && offset <= span.end) {
      this.placeholders = true;
      return linePlaceholder(line - span.line, !!cells?.length);
    }
    this.entryLinesShown = true;
    return lineNumberName(line, cells);
  }

  /**
   * Whether a module this run loaded holds a placeholder's character: a message quoting its text
   * could then be taken for a placeholder (the entry's text is checked before the run).
   */
  quotesPlaceholders(): boolean {
    return this.modules.some((m) => m.source !== null && holdsPlaceholder(m.source));
  }

  /**
   * The line of `offset` within its own module, only to compare with the lines of places near
   * it (a directive on a model's line): never shown, so it does not tie the result to where
   * the code stands in the file.
   */
  lineKey(offset: number): number {
    const m = this.moduleAt(offset);
    m.lines ??= new LineIndex(m.source ? m.source.text : this.pieces[0]);
    return m.lines.lineOf(offset - m.base);
  }

  /**
   * What this analysis's result depends on besides the entry's text and the options: every
   * module lookup it made (path and content, or a miss), once each; and whether every module it
   * loaded was a shared evaluation (a module run afresh may have effects a partial run of the
   * entry would repeat: layer names, facts).
   */
  dependencies(): { segments: Lookup[][]; allShared: boolean } {
    if (!this.keepsDependencies) throw new Error('Program: dependencies were not kept');
    return { segments: this.segments.map((s) => [...s.values()]), allShared: this.loaded.every((m) => m.shared !== undefined) };
  }

  /** Lookups from here on go in a new segment of `dependencies()`. */
  newSegment(): void {
    this.segments.push(new Map());
  }

  /**
   * A number per module identity (the content hash, or the text itself when the host gave none):
   * a key holding the text would be hashed whole at every lookup.
   */
  private readonly identities = new Map<string, number>();

  private log(lookups: Lookup[]): void {
    if (!this.keepsDependencies) return;
    const segment = this.segments[this.segments.length - 1];
    for (const { name, path, identity } of lookups) {
      let id = identity === null ? -1 : this.identities.get(identity);
      if (id === undefined) this.identities.set(identity!, (id = this.identities.size));
      const key = `${name}\0${path}\0${id}`;
      // Without the module itself: a kept result must not hold its scope.
      if (!segment.has(key)) segment.set(key, { name, path, identity });
    }
  }

  /** A name found already loaded: what reads it depends on that module (and on what it imported). */
  private logCached(name: string, cached: LoadedModule | null): void {
    if (!this.keepsDependencies) return;
    if (cached === null) return this.log([{ name, path: null, identity: null }]);
    if (!cached.source) return;
    const segment = this.segments[this.segments.length - 1];
    const before = segment.size;
    this.log([{ name, path: cached.source.path, identity: identityOf(cached.source) }]);
    if (segment.size > before && cached.shared) this.log(cached.shared.lookups);
  }

  imports(): ImportedModule[] {
    return this.loaded.map((m) => ({ name: m.name, path: m.source!.path, stub: m.source!.stub }));
  }

  dispose(): void {
    for (const t of this.trees) t.dispose();
    this.trees.length = 0;
  }
}

/** Whether `provider` resolves `lookup`'s name as it did: the same file (with the same content when `content`), or still nothing. */
export function sameResolution(provider: ModuleProvider | undefined, lookup: Lookup, content = true): boolean {
  const now = provider?.find(lookup.name);
  return now ? now.path === lookup.path && (!content || identityOf(now) === lookup.identity) : lookup.path === null;
}

/** The lookups once each (a module imported twice is looked up twice). */
function uniqueLookups(lookups: Lookup[]): Lookup[] {
  const seen = new Map<string, Lookup>();
  const out: Lookup[] = [];
  for (const l of lookups) {
    const k = `${l.name}\0${l.path}\0${l.identity}`;
    const prev = seen.get(k);
    if (prev && prev.mod === l.mod) continue;
    seen.set(k, l);
    out.push(l);
  }
  return out;
}

const placeholderIn = new WeakMap<ModuleSource, boolean>();

function holdsPlaceholder(source: ModuleSource): boolean {
  let found = placeholderIn.get(source);
  if (found === undefined) placeholderIn.set(source, (found = source.text.includes(PLACEHOLDER_OPEN)));
  return found;
}
