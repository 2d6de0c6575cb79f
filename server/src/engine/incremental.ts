/**
 * Incremental analysis for the language server: the module's top-level statements are split
 * into blocks that run apart (blocks.ts), and each block's run is kept, keyed by everything it
 * reads, so an edit inside one model re-runs only that model's block. A block's key:
 *  - the text of its span (from the end of the statement before it to the start of the one
 *    after it, so comments and directives around it count); and, only for a run whose result
 *    shows lines outside its span as numbers, the line it starts on. Ranges are offsets, so a
 *    reused run moves by offsets alone; lines inside the span that messages show (`Conv2D
 *    (line 12)`) are written relative to the span's first line and named where the block stands
 *    now (`renderLines`): a line typed above a block does not run it again, errors or not;
 *  - the text of every prelude import, and where it stands against the block;
 *  - the layer-name counters the blocks before it left (Keras `dense_1`), and the options and
 *    Keras reading.
 * A reused block's offsets move with its span. The merged result equals one run of the whole
 * module (the 10,000-edit test in test/lsp/incremental.test.ts compares them): diagnostics in
 * source order, summaries and tensor facts in the phases one run makes them (the body in order,
 * then unused classes instantiated, then the body's models probed, then the unused classes').
 * Falls back to that one run (null) whenever this cannot be promised: dependencies that cannot
 * be determined, a module that imports project modules or stubs, a budget reached, a model
 * probed at the end that names layers before a later block.
 */
import { Meter } from './budget';
import { planBlocks, sameNames, unitNames, type BlockPlan, type UnitNames } from './blocks';
import { interpretModule, type InterpretResult, type RunCarry } from './interp/interpreter';
import { EditedLines, LineIndex, PLACEHOLDER_OPEN, renderLines, shiftRange } from './positions';
import type { ChangedRegion } from './text-region';
import type { LazyStatement, Module } from './syntax/ast';
import type { Mark } from './interp/placement';
import { sameResolution } from './interp/program';
import type { Lookup } from './interp/shared-modules';
import type { AnalyzeOptions, Diagnostic, ElsewhereFacts, KerasVersion, LayerApplication, ModelSummary, TensorFact, TextRange } from './types';
import { CandidateMemo, mergeReadings, Probe, versionsOf, type VersionGroup } from './versions';

/**
 * Where a summary or tensor fact of an assembled result came from: `item`, item `index` of a
 * block run (the same object while the run is reused), moved by `delta`. A host that sends
 * results elsewhere can send only what changed (lsp/result-delta.ts).
 */
export interface Origin<T = unknown> {
  run: object;
  index: number;
  delta: number;
  item: T;
}

type Origins = { models: Origin<ModelSummary>[]; tensors: Origin<TensorFact>[] };

/** The runs of one document's blocks, from its last analysis. */
export class AnalysisCache {
  /** The origins of the last result's summaries and tensor facts; null when it was not assembled from blocks. */
  lastOrigins: Origins | null = null;
  private runs = new RunMap();
  /** Runs reused and made by the last analysis (for tests and the benchmark). */
  lastReused = 0;
  lastRan = 0;
  /** The Keras version hints of the last text (`candidates`). */
  private readonly versions = new CandidateMemo();
  /** The text analysed, against the last one. */
  readonly text = new TextState();

  /** Short ids for the long parts of keys that every block shares (options, the prelude's text). */
  private readonly ids = new Map<string, number>();

  idOf(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      if (this.ids.size > MAX_IDS) {
        // Ids are reused after this: no kept run may carry an old one.
        this.ids.clear();
        this.runs.clear();
        this.next.clear();
        this.lastPrelude = null;
      }
      this.ids.set(s, (id = this.ids.size + 1));
    }
    return id;
  }

  /** Replaced by the runs one analysis used: runs of text no longer there are dropped. */
  private next = new RunMap();
  /**
   * The names of each top-level statement, by its text (so unchanged statements are not
   * converted): of the last text's, and of older ones until there are too many (`namesOf`).
   */
  private names = new Map<string, UnitNames>();
  private lastNames: { texts: string[]; names: UnitNames[] } = { texts: [], names: [] };

  /** The prelude's texts (the same strings while its statements are unchanged) and their id. */
  private lastPrelude: { texts: string[]; id: number } | null = null;

  /** The id of the prelude's imports: the last one while each is the same text (compared before anything is hashed). */
  preludeId(texts: string[]): number {
    const last = this.lastPrelude;
    if (last && last.texts.length === texts.length && texts.every((t, i) => t === last.texts[i])) return last.id;
    const id = this.idOf(JSON.stringify(texts));
    this.lastPrelude = { texts, id };
    return id;
  }

  /**
   * The Keras versions `text` may run under, kept from the last text when its hints are the same
   * (analyzeWithin asks before the blocks run): the text's change is found once for both.
   */
  candidates(text: string, allowed: readonly KerasVersion[] | undefined): KerasVersion[] {
    this.text.update(text);
    return this.versions.of(text, allowed, this.text.change);
  }

  /** The number of the analysis under way (a lookup is checked once in each: `Check.at`). */
  analysis = 0;
  /** One check per lookup and kind, by both (dropped past MAX_CHECKS: runs keep theirs, only sharing is lost). */
  private checks = new Map<string, Check>();

  /** The checks of `segments`' lookups, once each. */
  checksOf(segments: Lookup[][], content: boolean): Check[] {
    if (this.checks.size > MAX_CHECKS) this.checks.clear();
    const out = new Set<Check>();
    for (const segment of segments) {
      for (const l of segment) {
        const key = `${content ? 1 : 0}\0${l.name}\0${l.path}\0${l.identity}`;
        let check = this.checks.get(key);
        if (!check) this.checks.set(key, (check = { lookup: l, content, at: -1, ok: false }));
        out.add(check);
      }
    }
    return [...out];
  }

  begin(text: string): void {
    this.analysis++;
    this.text.update(text);
    this.lastOrigins = null;
    this.next = new RunMap();
    this.lastReused = 0;
    this.lastRan = 0;
  }

  /**
   * The run kept for `span` under `head` after the layer-name counters `names`, when `valid`
   * (its imports still resolve alike). A run that shows lines is kept under `head` and the line
   * (`line()`) too, and is found only there.
   */
  get(span: string, names: string, head: string, line: () => number, valid: (run: BlockRun) => boolean = () => true): BlockRun | undefined {
    const find = (h: string) => this.runs.get(span, names, h) ?? this.next.get(span, names, h);
    let found = find(head);
    // A run of the same span and head at another line shows lines too: it differs only in them.
    if (found?.showsLines) found = find(lineHead(head, line()));
    const hit = found && valid(found) ? found : undefined;
    if (hit) {
      this.keep(span, names, head, line, hit);
      this.lastReused++;
    }
    return hit;
  }

  set(span: string, names: string, head: string, line: () => number, run: BlockRun): void {
    this.keep(span, names, head, line, run);
    this.lastRan++;
  }

  private keep(span: string, names: string, head: string, line: () => number, run: BlockRun): void {
    this.next.set(span, names, head, run);
    if (run.showsLines) this.next.set(span, names, lineHead(head, line()), run);
  }

  /** How many runs the last analysis kept show lines as numbers, and how many relative to their block (for tests). */
  showingLines(): { numbers: number; relative: number } {
    return { numbers: this.next.count((r) => r.showsLines), relative: this.next.count((r) => r.relative) };
  }

  commit(): void {
    this.runs = this.next;
  }

  /** The last plan made with and without end links, and the names it was made from. */
  private plans = new Map<boolean, { names: UnitNames[]; plan: BlockPlan | null }>();

  /** The block plan of `names`: the last one when the names are the same (an edit inside a statement rarely changes them). */
  planOf(names: UnitNames[], endLinks: boolean): BlockPlan | null {
    const last = this.plans.get(endLinks);
    if (last && last.names.length === names.length && names.every((n, i) => sameNames(n, last.names[i]))) return last.plan;
    const plan = planBlocks(names, endLinks);
    this.plans.set(endLinks, { names, plan });
    return plan;
  }

  /** The names of each of `parts` (whose texts are `texts`); past twice their number kept (plus some), only theirs are kept. */
  namesOf(parts: LazyStatement[], texts: string[]): UnitNames[] {
    const last = this.lastNames;
    const out = parts.map((p, i) => {
      // The same statement at the same index: no hashing (an edit changes one statement or two).
      if (texts[i] === last.texts[i]) return last.names[i];
      let found = this.names.get(texts[i]);
      if (!found) this.names.set(texts[i], (found = unitNames(p.convert())));
      return found;
    });
    if (this.names.size > 2 * parts.length + PRUNE_SLACK) this.names = new Map(texts.map((t, i) => [t, out[i]]));
    const sameImports = out.length === last.names.length && out.every((n, i) => n === last.names[i] || sameList(n.imports, last.names[i].imports));
    if (!sameImports) this.importNames = [...new Set(out.flatMap((n) => n.imports))];
    this.lastNames = { texts, names: out };
    return out;
  }

  /** The modules the last names import, once each (the same list while no statement's imports change). */
  importNames: string[] = [];
}

/**
 * Block runs by the text of their span, then the layer-name counters before them (the last
 * block's `bodyEndKey`), then the rest of their key: the long texts are kept string objects
 * (hashed once), never copied into one long key at every analysis.
 */
class RunMap {
  private readonly bySpan = new Map<string, Map<string, Map<string, BlockRun>>>();

  get(span: string, names: string, head: string): BlockRun | undefined {
    return this.bySpan.get(span)?.get(names)?.get(head);
  }

  set(span: string, names: string, head: string, run: BlockRun): void {
    let byNames = this.bySpan.get(span);
    if (!byNames) this.bySpan.set(span, (byNames = new Map()));
    let heads = byNames.get(names);
    if (!heads) byNames.set(names, (heads = new Map()));
    heads.set(head, run);
  }

  clear(): void {
    this.bySpan.clear();
  }

  /** Distinct runs that satisfy `test`. */
  count(test: (run: BlockRun) => boolean): number {
    return new Set([...this.bySpan.values()].flatMap((byNames) => [...byNames.values()].flatMap((heads) => [...heads.values()].filter(test)))).size;
  }
}

/** The key of a run that shows lines: its head and the line its span starts on. */
function lineHead(head: string, line: number): string {
  return `${head}@${line}`;
}

interface BlockRun {
  /** Where the block's span started in the text it ran on. */
  spanStart: number;
  /** Whether its result shows lines of the file as numbers (RunCarry.showsLines): then it is reused only at the same line. */
  showsLines: boolean;
  /** Whether its diagnostics show lines of its span relative to the span's first line (RunCarry.placeholders). */
  relative: boolean;
  /** Its diagnostics with those lines named, for the line its span last started on. */
  rendered?: { line: number; diagnostics: Diagnostic[] };
  /** Its last placings (most recent first). */
  placements?: Placement[];
  result: InterpretResult;
  /** Summaries and tensor facts at each phase boundary (RunCarry.marks). */
  marks: { models: number; tensors: number }[];
  /** Layer-name counters after the block's body, and after its end phase. */
  bodyEnd: Map<string, number>;
  /** `bodyEnd` as text: the next block's key (made once per run). */
  bodyEndKey: string;
  /** Whether the counters after its end phase are `bodyEnd` (its models probed at the end named no layers). */
  endNamesSame: boolean;
  asked: boolean;
  steps: number;
  /** Steps run after the block's body (RunCarry.endSteps). */
  endSteps: number;
  /** A block that imports project modules or stubs: the marks of the facts it placed in them, by file. */
  elsewhereMarks?: Map<string, Mark[]>;
  /** Module lookups the run depends on, its imports' included (valid while each resolves alike: the same file, the same content). */
  lookups?: Check[];
  /** Lookups of prelude imports whose names the block never reads: valid while each finds the same file. */
  paths?: Check[];
}

/**
 * A module lookup a kept run depends on, one object per lookup and kind of check however many
 * runs depend on it (most blocks share the prelude's): checked once per analysis (`at`).
 */
interface Check {
  lookup: Lookup;
  /** Whether the content counts, or only the file found. */
  content: boolean;
  /** The analysis it was last checked in, and the answer. */
  at: number;
  ok: boolean;
}

/** A block run placed in the current text: moved by `delta`, its diagnostics with lines named where it stands. */
interface PlacedRun {
  run: BlockRun;
  delta: number;
  diagnostics: Diagnostic[];
}

/**
 * A run's summaries and tensor facts moved by `delta`, with their origins: kept for the next
 * placing at the same offset (a block below an edit typed and undone, or a line added and
 * removed above it, is not copied again).
 */
interface Placement {
  delta: number;
  models: ModelSummary[];
  tensors: TensorFact[];
  origins: Origins;
}

/** Placements kept per run. */
const KEPT_PLACEMENTS = 2;

/** Names of statement texts no longer in the document kept before pruning, beyond twice the document's statements. */
const PRUNE_SLACK = 256;

/** Distinct module lookups kept for sharing between runs (a project's modules, and more). */
const MAX_CHECKS = 10_000;

/** Distinct options and prelude texts kept per document (each edit of an import makes one; bounded memory). */
const MAX_IDS = 64;

/** Share of the step budget the blocks may use together; past it one whole run decides. */
const STEP_SHARE = 0.5;

/**
 * The interpretation of `module` assembled from block runs (reused or made now), or null when
 * the whole module must run at once. `meter` is charged nothing: each block has its own budget.
 */
export function interpretIncrementally(module: Module, text: string, options: AnalyzeOptions, groups: VersionGroup[], cache: AnalysisCache): InterpretResult | null {
  if (options.onTargetCheck || options.stubCodeEnd !== undefined) return null;
  cache.begin(text);
  const result = fromBlocks(module, text, options, groups, cache);
  // Kept even when one whole run decides: the runs made before a block that cannot run alone
  // (one loading a module that is no shared evaluation) are not made again at the next edit.
  cache.commit();
  return result;
}

function fromBlocks(module: Module, text: string, options: AnalyzeOptions, groups: VersionGroup[], cache: AnalysisCache): InterpretResult | null {
  const parts = [...module.body];
  const texts = parts.map((p) => p.text ?? text.slice(p.start, p.end));
  const names = cache.namesOf(parts, texts);
  const units: Unit[] = parts.map((p, i) => ({ start: p.start, end: p.end, text: texts[i], names: names[i] }));
  const optionsText = optionsKey(options, groups, cache.importNames);
  if (optionsText === null) return null;
  const key = cache.idOf(optionsText);
  const lineIndex = cache.text.lines;
  const lines = (offset: number) => lineIndex.lineOf(offset);
  // First the fine plan; the coarse one when code that ran after a block's body could see a later block's bindings.
  let first: PlacedRun[] | null = null;
  let ctx: RunContext | null = null;
  // With the fine plan, whether a block ran code after its body that could see a later block's bindings.
  let unsure = (runs: PlacedRun[]) => runs.some((r, b) => r.run.endSteps > 0 && ctx!.plan.laterBound[b]);
  for (const endLinks of [false, true]) {
    const plan = cache.planOf(units.map((u) => u.names), endLinks);
    if (!plan) return null;
    ctx = { module, parts, units, plan, text, options, cache, lines, optionsKey: key, candidates: versionsOf(groups), placeholders: cache.text.placeholderFree };
    first = runReading(ctx, groups[0]);
    if (!first || !unsure(first)) break;
    unsure = () => false;
  }
  if (!first || !ctx) return null;
  let result: InterpretResult;
  if (groups.length > 1 && first.some((r) => r.run.asked)) {
    const readings = [first];
    for (const g of groups.slice(1)) {
      const runs = runReading(ctx, g);
      if (!runs || unsure(runs)) return null;
      readings.push(runs);
    }
    result = mergeReadings(readings.map((r) => assemble(r)), groups, options.kerasVersionSource);
  } else {
    const origins: Origins = { models: [], tensors: [] };
    result = assemble(first, origins);
    cache.lastOrigins = origins;
  }
  return result;
}

/** A top-level statement: where it is, its text and its names. */
interface Unit {
  start: number;
  end: number;
  text: string;
  names: UnitNames;
}

interface RunContext {
  module: Module;
  parts: LazyStatement[];
  units: Unit[];
  plan: BlockPlan;
  text: string;
  options: AnalyzeOptions;
  cache: AnalysisCache;
  /** The line of an offset. */
  lines: (offset: number) => number;
  optionsKey: number;
  /** Every Keras version the code may run under (the loss checks judge each at once). */
  candidates: readonly KerasVersion[];
  /** Whether runs may show lines as placeholders: the text holds none of their characters. */
  placeholders: boolean;
}

/** Every block's run under one Keras reading, in order, or null to fall back. */
function runReading(ctx: RunContext, group: VersionGroup): PlacedRun[] | null {
  const { plan, units, text } = ctx;
  // Only imports: one run lists the modules they load.
  if (!plan.blocks.length && ctx.options.modules) return null;
  const out: PlacedRun[] = [];
  const prelude = preludeTexts(ctx);
  let names = new Map<string, number>();
  let namesKey = JSON.stringify([]);
  let steps = 0;
  const limit = new Meter(ctx.options).limits.steps * STEP_SHARE;
  const groupKey = JSON.stringify([ctx.optionsKey, group.semantics, prelude.id]);
  for (const [b, [first, last]] of plan.blocks.entries()) {
    const spanStart = first > 0 ? units[first - 1].end : 0;
    const spanEnd = last + 1 < units.length ? units[last + 1].start : text.length;
    // The prelude's text, and how many of its imports come before the block and inside it.
    const head = `${groupKey}${prelude.before[first]},${prelude.before[last + 1]}`;
    const span = ctx.cache.text.span(spanStart, spanEnd);
    const line = () => ctx.lines(spanStart);
    let run = ctx.cache.get(span, namesKey, head, line, (r) => stillResolves(ctx.options.modules, r, ctx.cache.analysis));
    if (!run && ctx.options.cancelled?.()) return null;
    if (!run) {
      run = runBlock(ctx, group, first, last, names, { start: spanStart, end: spanEnd }) ?? undefined;
      if (!run || !within(run.result, spanStart, spanEnd)) return null;
      run.spanStart = spanStart;
      ctx.cache.set(span, namesKey, head, line, run);
    }
    // A model probed at the end that names layers would take later blocks' names in one run.
    if (b < plan.blocks.length - 1 && !run.endNamesSame) return null;
    steps += run.steps;
    if (steps > limit) return null;
    out.push({ run, delta: spanStart - run.spanStart, diagnostics: run.relative ? renderedDiagnostics(run, line(), ctx.options) : run.result.diagnostics });
    names = run.bodyEnd;
    namesKey = run.bodyEndKey;
  }
  return out;
}

/** The id of the prelude's imports' texts, and for each unit index how many prelude units come before it. */
function preludeTexts(ctx: RunContext): { id: number; before: number[] } {
  const texts: string[] = [];
  const before: number[] = [];
  ctx.units.forEach((u, i) => {
    before.push(texts.length);
    if (ctx.plan.prelude[i]) texts.push(u.text);
  });
  before.push(texts.length);
  return { id: ctx.cache.preludeId(texts), before };
}

function runBlock(ctx: RunContext, group: VersionGroup, first: number, last: number, names: Map<string, number>, span: TextRange): BlockRun | null {
  // A plain loop: this runs over every top-level statement at each edit.
  const indices: number[] = [];
  const { prelude } = ctx.plan;
  for (let i = 0; i < prelude.length; i++) if (prelude[i] || (i >= first && i <= last)) indices.push(i);
  const body = indices.map((i) => ctx.parts[i]);
  const carry: RunCarry = { layerNames: new Map(names), lines: ctx.cache.text.lines, ...(ctx.placeholders ? { span } : {}) };
  const probe = new Probe(group.semantics, ctx.candidates);
  const meter = new Meter(ctx.options);
  const ran = interpretModule({ ...ctx.module, body }, ctx.text, { ...ctx.options, kerasProbe: probe }, meter, carry);
  if (ran.truncated || !carry.marks || !carry.bodyEnd || carry.placeholders === 'unsure') return null;
  const { result, relative, showsLines } = placeholdersKept(ran, carry, () => ctx.lines(span.start), ctx.options);
  const run: BlockRun = {
    spanStart: 0,
    showsLines,
    relative,
    result,
    marks: carry.marks,
    bodyEnd: carry.bodyEnd,
    bodyEndKey: JSON.stringify([...carry.bodyEnd]),
    endNamesSame: sameCounts(carry.bodyEnd, carry.layerNames),
    asked: probe.asked,
    steps: meter.used,
    endSteps: carry.endSteps ?? 0,
  };
  const deps = carry.dependencies;
  if (!deps) return run;
  // Project modules and stubs: only evaluations shared between analyses have no effects another block would repeat.
  if (!deps.allShared || carry.entryRefs) return null;
  return { ...run, elsewhereMarks: carry.elsewhereMarks, ...blockDependencies(ctx, indices, first, last, deps.segments) };
}

/**
 * The module lookups a block's run depends on (`segments`: before the body, one per statement
 * of `indices`, the end phase). All of them for the first block. For the others, the prelude
 * imports whose names the block never reads are checked only for the files they find: every
 * module loaded was a shared evaluation, which has no effect but its names, and the first
 * block, which runs again when one changes, falls back to a whole run should it no longer be
 * one. An unread import of the same top-level package as one the block uses counts as read
 * (importing `pkg.sub` sets the attribute `sub` of `pkg`).
 */
function blockDependencies(ctx: RunContext, indices: number[], first: number, last: number, segments: Lookup[][]): { lookups: Check[]; paths: Check[] } {
  const all = (segs: Lookup[][], content = true) => ctx.cache.checksOf(segs, content);
  if (first === ctx.plan.blocks[0]?.[0]) return { lookups: all(segments), paths: [] };
  const reads = new Set<string>();
  const tops = new Set<string>();
  const topOf = (u: UnitNames) => [...u.imports.map((m) => m.split('.')[0]), ...(u.relativeImport ? ['.'] : [])];
  for (let i = first; i <= last; i++) {
    const n = ctx.units[i].names;
    if (ctx.plan.prelude[i]) continue;
    for (const r of [...n.reads, ...n.late]) reads.add(r);
    for (const t of topOf(n)) tops.add(t);
  }
  const used = indices.map((u) => !ctx.plan.prelude[u] || [...ctx.units[u].names.binds].some((b) => reads.has(b)));
  const topsOf = indices.map((u) => topOf(ctx.units[u].names));
  topsOf.forEach((ts, k) => used[k] && ts.forEach((t) => tops.add(t)));
  for (let grew = true; grew; ) {
    grew = false;
    topsOf.forEach((ts, k) => {
      if (used[k] || !ts.some((t) => tops.has(t))) return;
      used[k] = grew = true;
      ts.forEach((t) => tops.add(t));
    });
  }
  const segment = (k: number) => segments[k + 1] ?? [];
  const read: Lookup[][] = [segments[0]];
  const unread: Lookup[][] = [];
  indices.forEach((_, k) => (used[k] ? read : unread).push(segment(k)));
  read.push(...segments.slice(indices.length + 1));
  return { lookups: all(read), paths: all(unread, false) };
}

/**
 * A run's result with its line placeholders: kept in its diagnostics (named at each placing,
 * `renderedDiagnostics`); should one have reached a summary or tensor fact (which move by
 * offsets only), every one is named now and the run is kept at its line.
 */
function placeholdersKept(result: InterpretResult, carry: RunCarry, line: () => number, options: AnalyzeOptions): { result: InterpretResult; relative: boolean; showsLines: boolean } {
  const showsLines = carry.showsLines ?? true;
  if (!carry.placeholders) return { result, relative: false, showsLines };
  const { diagnostics, ...facts } = result;
  if (!JSON.stringify(facts).includes(PLACEHOLDER_OPEN)) return { result, relative: true, showsLines };
  const first = line();
  return { result: withLinesNamed(result, (s) => renderLines(s, first, options.cells)), relative: false, showsLines: true };
}

/** A relative run's diagnostics with its lines named for its span starting on `line` (kept for the next placing at that line). */
function renderedDiagnostics(run: BlockRun, line: number, options: AnalyzeOptions): Diagnostic[] {
  if (run.rendered?.line !== line) run.rendered = { line, diagnostics: withLinesNamed(run.result.diagnostics, (s) => renderLines(s, line, options.cells)) };
  return run.rendered.diagnostics;
}

/** `value` (plain data: objects, arrays, strings, numbers) with `name` applied to every string; what does not change is shared. */
function withLinesNamed<T>(value: T, name: (s: string) => string): T {
  if (typeof value === 'string') return name(value) as T;
  if (Array.isArray(value)) {
    const out = value.map((v) => withLinesNamed(v, name));
    return (out.every((v, i) => v === value[i]) ? value : out) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(value)) {
    const named = withLinesNamed(v, name);
    if (named !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = named;
  }
  return (out ?? value) as T;
}

/** Whether a kept run's imports resolve as they did when it ran. */
function stillResolves(provider: AnalyzeOptions['modules'], run: BlockRun, analysis: number): boolean {
  const holds = (c: Check) => {
    if (c.at !== analysis) {
      c.at = analysis;
      c.ok = sameResolution(provider, c.lookup, c.content);
    }
    return c.ok;
  };
  return (run.lookups ?? []).every(holds) && (run.paths ?? []).every(holds);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** The result of one whole run, from its blocks' runs (with `origins`, where each summary and tensor fact came from). */
function assemble(runs: PlacedRun[], origins?: Origins): InterpretResult {
  const all = runs.flatMap((r) => (r.delta === 0 ? r.diagnostics : r.diagnostics.map((d) => moveDiagnostic(d, r.delta))));
  // The order Diagnostics.all() gives one run (ties are within one block, already in order).
  const diagnostics = all.filter((d) => d.file === undefined).sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
  diagnostics.push(...foreignDiagnostics(all));
  const models: ModelSummary[] = [];
  const tensors: TensorFact[] = [];
  const elsewhere = new Map<string, ElsewhereFacts>();
  const placed = runs.map((r) => placementOf(r.run, r.delta));
  const phases = runs[0]?.run.marks.length ?? 0;
  for (let p = 0; p < phases; p++) {
    runs.forEach(({ run }, k) => {
      const from = p === 0 ? { models: 0, tensors: 0 } : run.marks[p - 1];
      const to = run.marks[p];
      const at = placed[k];
      for (let i = from.models; i < to.models; i++) {
        models.push(at.models[i]);
        origins?.models.push(at.origins.models[i]);
      }
      for (let i = from.tensors; i < to.tensors; i++) {
        tensors.push(at.tensors[i]);
        origins?.tensors.push(at.origins.tensors[i]);
      }
      for (const facts of run.result.elsewhere ?? []) addElsewhere(elsewhere, facts, p, run.elsewhereMarks?.get(facts.file));
    });
  }
  const result: InterpretResult = { diagnostics, models, tensors, truncated: false };
  const imports = new Map(runs.flatMap((r) => r.run.result.imports ?? []).map((m) => [m.name, m]));
  if (imports.size || elsewhere.size) {
    result.imports = [...imports.values()];
    result.elsewhere = [...elsewhere.values()];
  }
  return result;
}

/** A run's summaries and tensor facts moved by `delta`, and their origins: a kept placing when one was at the same offset. */
function placementOf(run: BlockRun, delta: number): Placement {
  const kept = run.placements?.find((p) => p.delta === delta);
  if (kept) return kept;
  const { models, tensors } = run.result;
  const placement: Placement = {
    delta,
    models: delta === 0 ? models : models.map((m) => moveModel(m, delta)),
    tensors: delta === 0 ? tensors : tensors.map((t) => moveTensor(t, delta)),
    origins: {
      models: models.map((item, index) => ({ run, index, delta, item })),
      tensors: tensors.map((item, index) => ({ run, index, delta, item })),
    },
  };
  run.placements = [placement, ...(run.placements ?? [])].slice(0, KEPT_PLACEMENTS);
  return placement;
}

/**
 * Diagnostics located in imported modules (their ranges are their files', never moved): once
 * each however many blocks reached them, as one run reports them, grouped by file and in source
 * order there.
 */
function foreignDiagnostics(all: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of all) {
    if (d.file === undefined) continue;
    const key = `${d.file}|${d.rule}|${d.range.start}|${d.range.end}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  }
  return [...byFile.values()].flatMap((ds) => ds.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code)));
}

/** A block run's facts in another file, phase `p` of them (ranges are that file's: never moved). */
function addElsewhere(into: Map<string, ElsewhereFacts>, facts: ElsewhereFacts, p: number, marks: Mark[] | undefined): void {
  let out = into.get(facts.file);
  if (!out) into.set(facts.file, (out = { file: facts.file, tensors: [], models: [], comments: facts.comments }));
  if (!out.comments.length) out.comments = facts.comments;
  if (!marks) return;
  const from = p === 0 ? { models: 0, tensors: 0 } : marks[p - 1];
  out.models.push(...facts.models.slice(from.models, marks[p].models));
  out.tensors.push(...facts.tensors.slice(from.tensors, marks[p].tensors));
}

function moveDiagnostic(d: Diagnostic, delta: number): Diagnostic {
  if (delta === 0) return d;
  // A diagnostic in another file keeps its place and fixes; its related places in the analysed file move.
  const own = d.file === undefined;
  return {
    ...d,
    range: own ? shiftRange(d.range, delta) : d.range,
    related: d.related.map((r) => (r.file === undefined ? { ...r, range: shiftRange(r.range, delta) } : r)),
    fixes: own ? d.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, range: shiftRange(e.range, delta) })) })) : d.fixes,
  };
}

export function moveTensor(t: TensorFact, delta: number): TensorFact {
  return delta === 0 ? t : { ...t, range: shiftRange(t.range, delta) };
}

export function moveModel(m: ModelSummary, delta: number): ModelSummary {
  if (delta === 0) return m;
  return {
    ...m,
    range: shiftRange(m.range, delta),
    inputSource: m.inputSource && shiftRange(m.inputSource, delta),
    layers: m.layers.map((l) => moveLayer(l, delta)),
  };
}

/** A layer application of a summary moved with it (one placed in another file stays). */
export function moveLayer(l: LayerApplication, delta: number): LayerApplication {
  return l.file !== undefined || delta === 0 ? l : { ...l, definedAt: shiftRange(l.definedAt, delta), appliedAt: shiftRange(l.appliedAt, delta) };
}

/** Whether every place the run reports lies in the block's span (else it cannot move with it). */
function within(r: InterpretResult, start: number, end: number): boolean {
  const inside = (x: TextRange) => x.start >= start && x.end <= end;
  // Places in other files (`file` set) stay where they are.
  const diagnosticInside = (d: Diagnostic) =>
    (d.file !== undefined || (inside(d.range) && d.fixes.every((f) => f.edits.every((e) => inside(e.range))))) &&
    d.related.every((x) => x.file !== undefined || inside(x.range));
  const modelInside = (m: ModelSummary) =>
    inside(m.range) && (!m.inputSource || inside(m.inputSource)) && m.layers.every((l) => l.file !== undefined || (inside(l.definedAt) && inside(l.appliedAt)));
  return r.diagnostics.every(diagnosticInside) && r.models.every(modelInside) && r.tensors.every((t) => inside(t.range));
}

const NOT_OPTIONS = new Set(['clock', 'cancelled', 'modules', 'kerasProbe', 'conversionCache', 'analysisCache', 'onTargetCheck']);

/**
 * The options a block's run depends on, as text (functions and caches left out), and which
 * imported names the host resolves to a module now (a module that appears later changes runs).
 */
function optionsKey(options: AnalyzeOptions, groups: VersionGroup[], importNames: string[]): string | null {
  const plain = Object.entries(options).filter(([k]) => !NOT_OPTIONS.has(k));
  const found: string[] = [];
  if (options.modules) {
    // Relative imports too are followed through each block run's lookups (BlockRun.lookups).
    for (const n of importNames) if (options.modules.find(n)) found.push(n);
  }
  return JSON.stringify([plain.sort(([a], [b]) => a.localeCompare(b)), groups, found]);
}

/**
 * The analysed text against the last one (one changed region between them): its lines, indexed
 * again only around the region, and the texts of block spans outside the region, the same
 * string objects as last time. A Map hashes a string object once: a fresh slice of every block's
 * span cost a read of the whole document per edit.
 */
class TextState {
  private current = '';
  private readonly edited = new EditedLines();
  lines = new LineIndex('');
  /** Whether the text holds no line placeholder's character. */
  placeholderFree = true;
  /** The span texts asked for the last text and this one, by where they start. */
  private spans = new Map<number, string>();
  private nextSpans = new Map<number, string>();

  /** The text before this one, and the region changed since (`update` with the same text again changes neither). */
  change: { from: string; region: ChangedRegion } = { from: '', region: { start: 0, oldEnd: 0, newEnd: 0 } };

  update(text: string): void {
    if (text === this.current) return;
    this.lines = this.edited.of(text);
    this.change = { from: this.current, region: this.edited.region };
    const r = this.edited.region;
    this.placeholderFree = this.placeholderFree ? !text.slice(r.start, r.newEnd).includes(PLACEHOLDER_OPEN) : !text.includes(PLACEHOLDER_OPEN);
    this.current = text;
    this.spans = this.nextSpans;
    this.nextSpans = new Map();
  }

  /** text[start, end): the last text's string when the span lies before or after the changed region. */
  span(start: number, end: number): string {
    const r = this.edited.region;
    const was = end <= r.start ? start : start >= r.newEnd ? start - (r.newEnd - r.oldEnd) : -1;
    let s = was >= 0 ? this.spans.get(was) : undefined;
    // A copy, not a slice: a slice would keep this whole version of the document alive as long as the span is unchanged.
    if (s === undefined || s.length !== end - start) s = ` ${this.current.slice(start, end)}`.slice(1);
    this.nextSpans.set(start, s);
    return s;
  }
}
