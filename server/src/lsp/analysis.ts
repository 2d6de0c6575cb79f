/**
 * Runs the shared lint pipeline on open documents in an isolated analysis process
 * (`analysis-process.ts`), off the server's main thread: requests keep being answered while a
 * document is analysed, and a document that crashes, exhausts or hangs the engine costs only
 * its own analysis (it gets a diagnostic saying so; the process restarts on the next request).
 *
 * One analysis runs at a time. Edits are coalesced: while one runs, later requests for a
 * document wait for a single run on its latest text. Results are cached per document version
 * and configuration generation, so diagnostics, code actions, hovers and inlay hints of one
 * version all come from one analysis. An analysis's model summaries and tensor facts stay in the
 * analysis process until a hover, inlay hint, summary or code action asks for them (`current`,
 * `recent`), or the document rests (`FACTS_PREFETCH_MS`): the way from an edit to its diagnostics
 * neither encodes nor decodes them.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { LineIndex, type CellSpan, type Diagnostic, type ModelSummary, type TensorFact } from '../engine/index';
import { cacheScope, contentHash, resolverOf, type ResultCache, type Resolve } from '../host/cache';
import type { LintJobResult } from '../host/lint-job';
import { hasPortOf } from '../host/port-of';
import { moduleFinder, passReads, readText, type ProjectSpec, type ReadText } from '../host/project';
import { IsolatedCrash, IsolatedProcess } from '../host/isolated-process';
import type { LintResult, LintSettings } from '../host/lint';
import { DEFAULT_FILE_TIMEOUT_MS } from '../host/worker-pool';
import type { AnalysisRequest, FactsReply, LintManyReply, LintReply, ResendReply, WireRequest } from './analysis-process';
import type { PortFramework, PortResult } from '../engine/port/index';
import { SOURCE, toDiagnostic } from './convert';
import { decodeFacts } from './result-delta';
import { StringPool } from './string-pool';
import { documentKey, overlayKey, TextSender } from './text-sync';
import { kerasVersionsOf } from '../host/keras-pins';
import { localPath, OpenDocument, type DocumentStore } from './documents';
import type { ProjectConfig, ProjectSettings } from './project-config';
import type { ServerSettings, SettingsCache } from './settings';

export interface Analysis {
  uri: string;
  version: number;
  /** The configuration generation it was computed with. */
  generation: number;
  text: string;
  lines: LineIndex;
  settings: ServerSettings;
  /** Null when the document is not analysed (not Python, too large, excluded, or the analysis failed). */
  lint: LintResult | null;
  diagnostics: LspDiagnostic[];
  /** Paths of the project modules the analysis read (it depends on them). */
  imports: string[];
  /** Diagnostics located in other files (the failing layer is in a module this document imports), by URI. */
  foreign: Map<string, LspDiagnostic[]>;
  /** The content hash of each project module the analysis read, by path. */
  importHashes: Record<string, string>;
}

type LintRequestItem = Extract<AnalysisRequest, { kind: 'lintMany' }>['items'][number];

/** Most documents analysed in one request (their results are published together). */
const MAX_BATCH = 64;

/** A document's facts are fetched when its analysis was not replaced for this long (hovers then answer at once). */
const FACTS_PREFETCH_MS = 50;
/** Replies' strings are pooled this long after they arrive: not on the way to the next edit's diagnostics. */
const INTERN_DELAY_MS = 100;

interface Waiter {
  version: number;
  generation: number;
  resolve: (a: Analysis | null) => void;
}

/**
 * What the chunks of one workspace pass share: the workspace folder's settings (one
 * `workspace/configuration` request, not one per closed file), module lookups by project, one
 * read of each file (a closed module is also the import of others) and import roots by folder.
 */
export interface WorkspacePass {
  settings: ServerSettings;
  resolvers: Map<string, Resolve>;
  reads: ReadText;
  folders: Map<string, string[]>;
}

export function workspacePass(settings: ServerSettings): WorkspacePass {
  return { settings, resolvers: new Map(), reads: passReads(), folders: new Map() };
}

export class Analyzer {
  private readonly completed = new Map<string, Analysis>();
  /** The project modules each open document's last analysis read (kept when a module's edit invalidates the analysis). */
  private readonly lastImports = new Map<string, string[]>();
  /** Analyses of files that are not open (importers of open modules), by URI. */
  private readonly background = new Map<string, Analysis>();
  private readonly waiting = new Map<string, Waiter[]>();
  /** The documents of the analysis request under way (one document, or a batch of dependents). */
  private running: string[] = [];
  private configGeneration = 0;
  /** Writing a lint request's id here cancels it (the analysis process polls the file while it runs). */
  private readonly cancelFile = path.join(tmpdir(), `shapelint-cancel-${process.pid}-${randomBytes(6).toString('hex')}`);
  /**
   * V8's default young generation. A 32 MB one (`--max-semi-space-size=32`) took 7% less CPU per
   * edit of the 2,000-line zoo on an earlier machine, where an edit's few MB of garbage were
   * scavenged several times per edit with the default. On a virtual machine where the first touch
   * of a page costs ~16 us, it cost more than it saved: V8 grows and shrinks the larger young
   * generation, and each regrowth touches fresh pages (the zoo edit: 80-90 page faults per edit in
   * this process against 30-45, 0.71-0.77 against 0.59-0.68 CPU ticks of 10 ms per edit, and the
   * edit's round trip 0.6 ms shorter on average over 7 interleaved pairs of runs).
   */
  private readonly worker = new IsolatedProcess({ script: path.join(__dirname, 'analysis-process.js'), args: [this.cancelFile] });
  /** One copy of each string of the replies kept (see string-pool.ts). */
  private readonly strings = new StringPool();
  /** The texts of open documents and modules the analysis process holds: requests send edits of them. */
  private readonly texts = new TextSender();
  private requests = 0;
  /**
   * The lint request the analysis process is working on: its documents, with the version sent and
   * the project modules each read when last analysed (an edit of one makes the request stale).
   */
  private inFlight: { id: number; items: { uri: string; version: number; imports: string[] }[] } | null = null;
  /** Background analyses waiting until no open document waits (`analyseClosed`). */
  private readonly idle: (() => void)[] = [];
  /** Requests to the analysis process, one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Per document, the models and tensor facts last fetched, which the next fetched ones may build on (result-delta.ts). */
  private readonly facts = new Map<string, { seq: number; facts: Facts }>();
  /** Analyses whose models and tensor facts are still in the analysis process, with the reply number that fetches them. */
  private readonly unfetched = new WeakMap<Analysis, number>();
  private readonly fetching = new WeakMap<Analysis, Promise<boolean>>();
  /** Per open document, the newest analysis whose facts were fetched (`recent` answers from it while the process is busy). */
  private readonly lastFetched = new Map<string, Analysis>();
  private readonly prefetches = new Map<string, ReturnType<typeof setTimeout>>();
  /** Replies whose strings are pooled once `INTERN_DELAY_MS` passed, if their analyses are still kept. */
  private interns: { analysis: Analysis; reply: LintReply }[] = [];

  constructor(
    private readonly docs: DocumentStore,
    private readonly settings: SettingsCache,
    private readonly project: ProjectConfig,
    private readonly log: (message: string) => void,
    /** Called after each completed analysis (the server refreshes inlay hints served stale). */
    private readonly onAnalysed: (a: Analysis) => void = () => undefined,
    /** A notebook's cells in its program (explanations then name cells), read with its text. */
    private readonly cellsOf: (uri: string) => CellSpan[] | undefined = () => undefined,
  ) {}

  /** Starts the analysis process (it loads the grammar meanwhile). */
  warm(): void {
    // Made before the process starts, which keeps it open (analysis-process.ts `readCancelFile`).
    try {
      writeFileSync(this.cancelFile, '');
    } catch (e) {
      this.log(`shapelint: could not create the cancel file: ${describe(e)}`);
    }
    this.worker.warm();
  }

  /** Settings or project files changed: every cached analysis is stale. */
  invalidateConfig(): void {
    this.configGeneration++;
    this.background.clear();
    this.settings.clear();
    this.project.clear();
  }

  /**
   * Documents (open, or analysed in the background) whose last analysis read `file`. Open ones
   * are found by the imports of their last completed analysis (`lastImports`), not by the
   * analyses held now: an analysis dropped in between (invalidated by an edit of a module, or
   * its facts gone stale in the analysis process) leaves the document importing what it did, and
   * a dependent found only through held analyses then missed the module's next edit.
   */
  dependentsOf(file: string): string[] {
    const open = [...this.lastImports].filter(([uri, imports]) => imports.includes(file) && this.docs.get(uri)).map(([uri]) => uri);
    const closed = [...this.background.values()].filter((a) => a.imports.includes(file)).map((a) => a.uri);
    return [...new Set([...open, ...closed])];
  }

  /** Completed analyses of open documents and of files analysed in the background. */
  analyses(): Analysis[] {
    return [...this.completed.values(), ...this.background.values()];
  }

  /** Whether `uri` was analysed in the background (a file that is not open). */
  isBackground(uri: string): boolean {
    return this.background.has(uri);
  }

  /**
   * Analyses files that are not open (importers of an open module), from disk, for what they
   * find in the modules they import. Reported through `onAnalysed` like any analysis.
   */
  async analyseClosed(files: string[]): Promise<void> {
    const docs = files.flatMap((file) => {
      const uri = pathToFileURL(file).href;
      if (this.docs.get(uri)) return [];
      const text = readText(file);
      return text !== undefined ? [new OpenDocument(uri, 'python', 0, text)] : [];
    });
    if (!docs.length) return;
    // Open documents first: closed importers wait until no open document waits for an analysis.
    while (this.running.length || this.waiting.size) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.fetchOpenFacts();
    const generation = this.configGeneration;
    const settled = await Promise.all(docs.map(async (doc) => ({ doc, settings: await this.settings.get(doc.uri) })));
    // Files opened while this waited are the editor's now: analysed from disk under the same URI,
    // they would replace the open document's state in the analysis process (its facts went stale,
    // which dropped its analysis; measured on the project-edit test under load).
    const jobs = settled.filter((j) => !this.docs.get(j.doc.uri));
    if (!jobs.length) return;
    // Several go in one request, as an open module's dependents do.
    const analyses = jobs.length === 1 ? [await this.compute(jobs[0].doc, jobs[0].settings, generation)] : await this.computeMany(jobs, generation);
    for (const analysis of analyses) {
      // Cancelled, or opened meanwhile: the editor's text and its own analysis win.
      if (!analysis || this.docs.get(analysis.uri)) continue;
      this.background.set(analysis.uri, analysis);
      this.onAnalysed(analysis);
    }
  }

  /**
   * Closed files' analyses for their workspace diagnostics: from the result cache the CLI shares
   * (host/cache.ts) when it holds the file's result and every module that result looked up still
   * resolves to the same content (open documents' texts win over disk), else analysed in the
   * analysis process (after the open documents), and written to the cache. Not kept as
   * background analyses: an edit of a module they import does not analyse them again.
   */
  async workspaceAnalyses(files: string[], cache: ResultCache | null, pass: WorkspacePass): Promise<{ analyses: Analysis[]; fromCache: number }> {
    while (this.running.length || this.waiting.size) await new Promise<void>((resolve) => this.idle.push(resolve));
    const generation = this.configGeneration;
    const analyses: Analysis[] = [];
    const misses: { doc: OpenDocument; base: Omit<Analysis, 'lint' | 'diagnostics'>; request: LintRequestItem; key?: string }[] = [];
    for (const file of files) {
      const uri = pathToFileURL(file).href;
      const text = this.docs.get(uri) ? undefined : pass.reads(file);
      if (text === undefined) continue;
      const doc = new OpenDocument(uri, 'python', 0, text);
      const job = this.lintJob(doc, pass.settings, generation, pass.folders);
      if (!('request' in job)) continue;
      const { settings, project } = job.request;
      const key = cache && project && !hasPortOf(doc.text) ? cache.key(doc.text, settings, cacheScope(doc.text, project)) : undefined;
      const hit = key && project ? cache!.get(key, doc.text, this.resolverFor(project, pass)) : null;
      if (hit) analyses.push(this.fromCached(doc, job.base, hit, pass.reads));
      else misses.push({ doc, base: job.base, request: { ...job.request, record: true }, key });
    }
    const fromCache = analyses.length;
    for (let i = 0; i < misses.length; i += MAX_BATCH) {
      const chunk = misses.slice(i, i + MAX_BATCH);
      await this.fetchOpenFacts();
      let replies: LintReply[];
      try {
        replies = (await this.call<LintManyReply>({ kind: 'lintMany', items: chunk.map((m) => m.request), overlays: this.openTexts('') }, DEFAULT_FILE_TIMEOUT_MS * chunk.length)).replies;
      } catch (e) {
        if (!(e instanceof IsolatedCrash)) throw e;
        this.log(`shapelint: workspace diagnostics failed: ${e.message}`);
        continue;
      }
      chunk.forEach((m, j) => {
        const reply = replies[j];
        const analysis = this.fromReply(m.doc, m.base, reply, pass.reads);
        if (analysis) analyses.push(analysis);
        if (cache && m.key && 'lint' in reply && !reply.lint.engine.internalError) cache.set(m.key, cacheEntry(reply));
      });
    }
    return { analyses, fromCache };
  }

  /**
   * How a project's module names resolve now for the cache's check: open documents' texts win
   * over disk. A name is looked up on disk (hashed) once per workspace pass, and a file read once
   * whether the pass meets it as a closed file or as a module.
   */
  private resolverFor(project: ProjectSpec, pass: WorkspacePass): Resolve {
    const key = project.roots.join('\0');
    let resolve = pass.resolvers.get(key);
    if (!resolve) {
      const find = resolverOf(moduleFinder(project, undefined, undefined, pass.reads));
      const onDisk = new Map<string, { found: ReturnType<Resolve>; uri?: string }>();
      resolve = (name) => {
        let seen = onDisk.get(name);
        if (!seen) {
          const found = find(name);
          onDisk.set(name, (seen = { found, uri: found ? pathToFileURL(found.path).href : undefined }));
        }
        const open = seen.uri && this.docs.get(seen.uri);
        return open ? { path: seen.found!.path, hash: contentHash(open.text) } : seen.found;
      };
      pass.resolvers.set(key, resolve);
    }
    return resolve;
  }

  /** A cached result as the analysis of a closed file (its diagnostics and imports; no facts). */
  private fromCached(doc: OpenDocument, base: Omit<Analysis, 'lint' | 'diagnostics'>, hit: LintJobResult, read: ReadText): Analysis {
    const { own, foreign } = this.placed(doc, hit.diagnostics, read);
    const importHashes = Object.fromEntries((hit.imports ?? []).filter((m) => !m.stub).map((m) => [m.path, m.hash]));
    return { ...base, lint: null, diagnostics: own, foreign, imports: Object.keys(importHashes), importHashes };
  }

  /** The file was opened: its background analysis gives way to the document's own. */
  dropBackground(uri: string): void {
    this.background.delete(uri);
  }

  /** A module the document imports changed: its analysis is stale although its text is not. */
  invalidate(uri: string): void {
    this.completed.delete(uri);
  }

  /**
   * An open module was edited: a request in flight for documents that import it is stale, so it
   * stops (its waiters are served by the next run, on the latest text).
   */
  moduleEdited(file: string): void {
    if (this.inFlight?.items.some((i) => i.imports.includes(file))) this.cancelInFlight();
  }

  /** The document closed: drop its results; an analysis of it still running is stopped. */
  forget(uri: string): void {
    this.completed.delete(uri);
    this.lastImports.delete(uri);
    this.facts.delete(uri);
    this.lastFetched.delete(uri);
    clearTimeout(this.prefetches.get(uri));
    this.prefetches.delete(uri);
    this.settings.forget(uri);
    // The process drops them on `forget` (or dies with them below).
    this.texts.drop(documentKey(uri));
    const file = localPath(uri);
    if (file) this.texts.drop(overlayKey(file));
    this.settle(uri, () => true, null);
    // A batch goes on for its other documents; the closed one's result is dropped.
    if (this.running.length === 1 && this.running[0] === uri) this.worker.terminate(`${uri} was closed`);
    else void this.call({ kind: 'forget', uri }).catch(() => undefined);
  }

  dispose(): void {
    for (const timer of this.prefetches.values()) clearTimeout(timer);
    this.prefetches.clear();
    this.worker.terminate('the server is shutting down');
    rmSync(this.cancelFile, { force: true });
  }

  /** An analysis of the document's current version or a newer one (null once it is closed). */
  analyse(uri: string): Promise<Analysis | null> {
    const doc = this.docs.get(uri);
    if (!doc) return Promise.resolve(null);
    const done = this.completed.get(uri);
    if (done && done.version >= doc.version && done.generation >= this.configGeneration && done.text === doc.text) return Promise.resolve(done);
    this.cancelStale(uri, doc.version);
    return new Promise((resolve) => {
      const list = this.waiting.get(uri) ?? [];
      list.push({ version: doc.version, generation: this.configGeneration, resolve });
      this.waiting.set(uri, list);
      this.pump();
    });
  }

  /** An analysis of exactly the current text, with its facts (code actions must not edit another version). */
  async current(uri: string): Promise<Analysis | null> {
    for (;;) {
      const a = await this.analyse(uri);
      const doc = this.docs.get(uri);
      if (!a || !doc) return null;
      if (a.text === doc.text && (await this.fetchFacts(a))) return a;
    }
  }

  /**
   * For requests that must answer at once: the current analysis if it is ready within `waitMs`,
   * else the last completed one (its text may be older than the document's; see text-delta.ts).
   * A document with no completed analysis under the current settings waits up to `firstWaitMs`
   * (answers computed with the old settings would be wrong, not just late).
   */
  async recent(uri: string, waitMs: number, firstWaitMs: number): Promise<Analysis | null> {
    const usable = this.completed.get(uri)?.generation === this.configGeneration;
    const fresh = await within(this.analyse(uri), usable ? waitMs : firstWaitMs);
    const a = fresh ?? (this.docs.get(uri) ? this.completed.get(uri) ?? null : null);
    if (!a) return null;
    // Its facts come from the analysis process: while that works on another request, the last analysis whose facts are here answers.
    const last = this.lastFetched.get(uri);
    const others = this.calls - (this.fetching.has(a) ? 1 : 0);
    if (this.unfetched.has(a) && others > 0 && last?.generation === this.configGeneration) return last;
    return (await this.fetchFacts(a)) ? a : this.current(uri);
  }

  /** The document's model `model` (else its last) ported to `to`, analysed in the analysis process. */
  async port(uri: string, model: string | undefined, to: PortFramework): Promise<PortResult | null> {
    const doc = this.docs.get(uri);
    const project = doc?.analysable ? this.project.forDocument(uri) : null;
    if (!doc || !project || project.excluded) return null;
    const settings = lintSettings(await this.settings.get(uri), project);
    const request: AnalysisRequest = { kind: 'port', uri, text: doc.text, settings, model, to, project: project.project, overlays: this.openTexts(uri) };
    return (await this.call<{ port: PortResult }>(request, DEFAULT_FILE_TIMEOUT_MS)).port;
  }

  /** The fingerprint of the analysis process's tree of the current text (for tests). */
  async syntaxTree(uri: string): Promise<{ version: number; tree: string } | null> {
    const doc = this.docs.get(uri);
    if (!doc?.analysable) return null;
    const reply = await this.call<{ tree: string }>({ kind: 'syntaxTree', uri, text: doc.text });
    return { version: doc.version, tree: reply.tree };
  }

  /**
   * A newer version of the document being analysed is wanted: the analysis in flight is
   * stale, so it stops (its waiters are served by the next run, on the latest text).
   */
  private cancelStale(uri: string, version: number): void {
    if (this.inFlight?.items.some((i) => i.uri === uri && i.version < version)) this.cancelInFlight();
  }

  private cancelInFlight(): void {
    if (!this.inFlight) return;
    try {
      writeFileSync(this.cancelFile, String(this.inFlight.id));
    } catch (e) {
      this.log(`shapelint: could not cancel a stale analysis: ${describe(e)}`);
    }
  }

  /**
   * Starts the next request: every document waiting (up to `MAX_BATCH`, in the order they were
   * asked for) goes in one request, so an edited module's dependents cost one round trip and
   * share the module's evaluation in the analysis process. It starts after the current turn of the
   * event loop: an edited module and its dependents, scheduled by timers due at once, go together.
   */
  private pump(): void {
    if (this.running.length || this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.startBatch();
    });
  }

  private pumping = false;

  private startBatch(): void {
    if (this.running.length) return;
    const batch = [...this.waiting.keys()].slice(0, MAX_BATCH);
    if (!batch.length) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.running = batch;
    void this.runBatch(batch)
      .catch((e) => this.log(`shapelint: analysis of ${batch.join(', ')} failed: ${describe(e)}`))
      .finally(() => {
        this.running = [];
        this.pump();
      });
  }

  private async runBatch(uris: string[]): Promise<void> {
    await this.fetchFirstFacts(uris);
    const generation = this.configGeneration;
    const jobs: { doc: OpenDocument; settings: ServerSettings }[] = [];
    for (const uri of uris) {
      const settings = await this.settings.get(uri);
      // The document may have changed or closed while the client answered; read it afresh.
      const doc = this.docs.get(uri);
      if (doc) jobs.push({ doc, settings });
      else this.settle(uri, () => true, null);
    }
    const sent = this.openVersions();
    const analyses = jobs.length === 1 ? [await this.compute(jobs[0].doc, jobs[0].settings, generation)] : await this.computeMany(jobs, generation);
    const now = this.openVersions();
    analyses.forEach((analysis, i) => {
      const { doc } = jobs[i];
      // Cancelled by a newer edit (its waiters stay for the next run), closed meanwhile (its
      // waiters were answered by `forget`), or reopened: the next run serves it.
      if (!analysis || this.docs.get(doc.uri) !== doc) return;
      // A module it imports was edited meanwhile: the result is stale; its waiters wait for the next run.
      if (analysis.imports.some((file) => now.get(file) !== sent.get(file))) return;
      this.completed.set(doc.uri, analysis);
      this.prefetchFacts(analysis);
      this.lastImports.set(doc.uri, analysis.imports);
      this.onAnalysed(analysis);
      this.settle(doc.uri, (w) => w.version <= analysis.version && w.generation <= analysis.generation, analysis);
    });
  }

  /** The version of each open document by path (compared before and after a request: were its imports edited meanwhile?). */
  private openVersions(): Map<string, number> {
    const out = new Map<string, number>();
    for (const d of this.docs.all()) {
      const file = localPath(d.uri);
      if (file) out.set(file, d.version);
    }
    return out;
  }

  private settle(uri: string, served: (w: Waiter) => boolean, analysis: Analysis | null): void {
    const list = this.waiting.get(uri) ?? [];
    const rest = list.filter((w) => !served(w));
    for (const w of list) if (served(w)) w.resolve(analysis);
    if (rest.length) this.waiting.set(uri, rest);
    else this.waiting.delete(uri);
  }

  /** The document's analysis; null when a newer edit cancelled it. */
  private async compute(doc: OpenDocument, settings: ServerSettings, generation: number): Promise<Analysis | null> {
    const job = this.lintJob(doc, settings, generation);
    if (!('request' in job)) return job;
    let reply: LintReply;
    try {
      const id = ++this.requests;
      const request: AnalysisRequest = { kind: 'lint', ...job.request, overlays: this.openTexts(doc.uri), id };
      this.inFlight = { id, items: [this.inFlightItem(doc)] };
      try {
        reply = await this.call<LintReply>(request, DEFAULT_FILE_TIMEOUT_MS);
      } finally {
        if (this.inFlight?.id === id) this.inFlight = null;
      }
      if ('cancelled' in reply) return null;
    } catch (e) {
      if (!(e instanceof IsolatedCrash)) throw e;
      this.log(`shapelint: analysis of ${doc.uri} failed: ${e.message}`);
      return { ...job.base, lint: null, diagnostics: [analysisFailed(e.message)] };
    }
    return this.fromReply(doc, job.base, reply);
  }

  /**
   * Several documents in one request to the analysis process (the dependents of an edited
   * module). Should the process die on one of them, each is analysed again on its own, so only
   * the culprit gets the failure.
   */
  private async computeMany(jobs: { doc: OpenDocument; settings: ServerSettings }[], generation: number): Promise<(Analysis | null)[]> {
    const folders = new Map<string, string[]>();
    const prepared = jobs.map(({ doc, settings }) => this.lintJob(doc, settings, generation, folders));
    const items = prepared.flatMap((j) => ('request' in j ? [j.request] : []));
    let replies: LintReply[];
    const id = ++this.requests;
    try {
      const overlays = this.openTexts('');
      this.inFlight = { id, items: jobs.map(({ doc }) => this.inFlightItem(doc)) };
      replies = items.length ? (await this.call<LintManyReply>({ kind: 'lintMany', items, overlays, id }, DEFAULT_FILE_TIMEOUT_MS * items.length)).replies : [];
    } catch (e) {
      if (!(e instanceof IsolatedCrash)) throw e;
      return Promise.all(jobs.map(({ doc, settings }) => this.compute(doc, settings, generation)));
    } finally {
      if (this.inFlight?.id === id) this.inFlight = null;
    }
    let next = 0;
    return prepared.map((j, i) => {
      if (!('request' in j)) return j;
      return this.fromReply(jobs[i].doc, j.base, replies[next++]);
    });
  }

  /** A document sent for analysis, with the modules its last analysis read (invalidated or not). */
  private inFlightItem(doc: OpenDocument): { uri: string; version: number; imports: string[] } {
    return { uri: doc.uri, version: doc.version, imports: this.lastImports.get(doc.uri) ?? [] };
  }

  /**
   * The request that lints a document, or its analysis when it is not analysed (not Python, excluded).
   * `folders`: import roots by folder, shared by the documents of one batch or pass.
   */
  private lintJob(doc: OpenDocument, settings: ServerSettings, generation: number, folders?: Map<string, string[]>): Analysis | { base: Omit<Analysis, 'lint' | 'diagnostics'>; request: Omit<Extract<AnalysisRequest, { kind: 'lint' }>, 'kind' | 'overlays'> } {
    const cells = this.cellsOf(doc.uri);
    const base = { uri: doc.uri, version: doc.version, generation, text: doc.text, lines: doc.lines, settings, imports: [], foreign: new Map(), importHashes: {} };
    const project = doc.analysable ? this.project.forDocument(doc.uri, folders) : null;
    if (!project || project.excluded) return { ...base, lint: null, diagnostics: [] };
    const settingsNow = { ...lintSettings(settings, project), ...(cells ? { cells } : {}) };
    return { base, request: { uri: doc.uri, text: doc.text, settings: settingsNow, project: project.project } };
  }

  private fromReply(doc: OpenDocument, base: Omit<Analysis, 'lint' | 'diagnostics'>, reply: LintReply, read: ReadText = readText): Analysis | null {
    if ('cancelled' in reply) return null;
    if ('error' in reply) {
      // Never let one document's failure take the server down; report it in the log.
      this.log(`shapelint: analysis of ${doc.uri} failed: ${reply.error}`);
      return { ...base, lint: null, diagnostics: [] };
    }
    const found = reply.lint;
    if (found.engine.internalError) this.log(`shapelint: internal error on ${doc.uri}: ${found.engine.internalError}`);
    // Code actions and hovers work on this document's own diagnostics; the others belong to their files.
    const lint = { ...found, diagnostics: found.diagnostics.filter((d) => d.file === undefined) };
    const { own, foreign } = this.placed(doc, found.diagnostics, read);
    const importHashes = reply.importHashes ?? {};
    const analysis = { ...base, lint, imports: Object.keys(importHashes), importHashes, foreign, diagnostics: own };
    this.unfetched.set(analysis, reply.facts);
    this.internLater(analysis, reply);
    return analysis;
  }

  /** Engine diagnostics in LSP terms: the document's own, and those located in other files by URI. */
  private placed(doc: OpenDocument, diagnostics: Diagnostic[], read: ReadText): { own: LspDiagnostic[]; foreign: Map<string, LspDiagnostic[]> } {
    const place = new Placer(doc, (uri) => this.docs.get(uri), read);
    const own: LspDiagnostic[] = [];
    const foreign = new Map<string, LspDiagnostic[]>();
    for (const d of diagnostics) {
      const converted = place.diagnostic(d);
      if (!converted) continue;
      if (d.file === undefined) {
        own.push(converted);
        continue;
      }
      const uri = pathToFileURL(d.file).href;
      foreign.set(uri, [...(foreign.get(uri) ?? []), converted]);
    }
    return { own, foreign };
  }

  /**
   * Fetches the analysis's models and tensor facts from the analysis process (once), as a delta
   * against the ones last fetched for the document when the process can. False when the process no
   * longer has them (the document was analysed again, or the process restarted): the analysis is
   * then dropped, so the next `analyse` makes one whose facts it has.
   */
  private fetchFacts(a: Analysis): Promise<boolean> {
    const seq = this.unfetched.get(a);
    if (seq === undefined) return Promise.resolve(true);
    let fetching = this.fetching.get(a);
    if (!fetching) {
      fetching = this.requestFacts(a, seq).finally(() => this.fetching.delete(a));
      this.fetching.set(a, fetching);
    }
    return fetching;
  }

  private async requestFacts(a: Analysis, seq: number): Promise<boolean> {
    let reply = await this.callForFacts({ kind: 'facts', uri: a.uri, seq, have: this.facts.get(a.uri)?.seq });
    const held = this.facts.get(a.uri);
    // A delta on facts this server no longer holds (cannot happen in order; be safe): ask for them whole.
    if ('delta' in reply && held?.seq !== reply.base) reply = await this.callForFacts({ kind: 'facts', uri: a.uri, seq });
    if ('stale' in reply) {
      if (this.completed.get(a.uri) === a) this.completed.delete(a.uri);
      return false;
    }
    // One copy of each string (string-pool.ts): the new items' own; decoded copies share those they were copied from.
    this.strings.intern(reply);
    const facts = 'delta' in reply ? decodeFacts(reply.delta, held!.facts) : { models: reply.models, tensors: reply.tensors };
    this.facts.set(a.uri, { seq: reply.seq, facts });
    this.unfetched.delete(a);
    a.lint = { ...a.lint!, engine: { ...a.lint!.engine, ...facts } };
    if (this.docs.get(a.uri)) this.lastFetched.set(a.uri, a);
    return true;
  }

  private async callForFacts(request: Extract<AnalysisRequest, { kind: 'facts' }>): Promise<FactsReply> {
    try {
      return await this.call<FactsReply>(request, DEFAULT_FILE_TIMEOUT_MS);
    } catch (e) {
      if (!(e instanceof IsolatedCrash)) throw e;
      return { stale: true };
    }
  }

  /**
   * A document edited again before any of its analyses' facts were fetched (within
   * `FACTS_PREFETCH_MS` of opening it) gets its last analysis's facts before the next analysis
   * starts: while that one runs, `recent` would have nothing to answer a hover from, and the
   * fetch would wait behind it.
   */
  private async fetchFirstFacts(uris: string[]): Promise<void> {
    for (const uri of uris) {
      const a = this.completed.get(uri);
      const held = this.lastFetched.get(uri);
      if (a && this.unfetched.has(a) && a.generation === this.configGeneration && held?.generation !== this.configGeneration) await this.fetchFacts(a);
    }
  }

  /** Open documents' facts, before background work: a hover would wait for all of it (`recent` has nothing older to answer from). */
  private async fetchOpenFacts(): Promise<void> {
    for (const a of [...this.completed.values()]) if (this.unfetched.has(a)) await this.fetchFacts(a);
  }

  /**
   * An open document's analysis that was not replaced for `FACTS_PREFETCH_MS` gets its facts, so a
   * hover answers at once; one document at a time, when the process has nothing else to do (an
   * edited module's 50 dependents must not queue 50 requests before the next edit's analysis).
   */
  private prefetchFacts(a: Analysis): void {
    clearTimeout(this.prefetches.get(a.uri));
    const timer = setTimeout(() => {
      this.prefetches.delete(a.uri);
      if (this.completed.get(a.uri) !== a || this.waiting.has(a.uri)) return;
      if (this.calls > 0 || this.waiting.size) this.prefetchFacts(a);
      else void this.fetchFacts(a);
    }, FACTS_PREFETCH_MS);
    timer.unref();
    this.prefetches.set(a.uri, timer);
  }

  /**
   * The server keeps analyses: one copy of each of their strings (JSON and structured clones make a
   * new string for every value), made a while after they arrive, when most were replaced by then.
   */
  private internLater(analysis: Analysis, reply: LintReply): void {
    // The reply, not the analysis: the analysis shares its objects, and facts fetched since were pooled then.
    if (this.interns.push({ analysis, reply }) > 1) return;
    setTimeout(() => {
      const kept = new Set([...this.completed.values(), ...this.background.values()]);
      for (const x of this.interns) if (kept.has(x.analysis)) this.strings.intern(x.reply);
      this.interns = [];
    }, INTERN_DELAY_MS).unref();
  }

  /** The texts of the other open documents by path, for the modules the analysis imports. */
  private openTexts(except: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.docs.all()) {
      const file = d.uri === except ? null : localPath(d.uri);
      if (file) out[file] = d.text;
    }
    return out;
  }

  /**
   * Sends `request` when the ones before it are answered. Its texts are made edits of the last
   * texts sent now, in the order requests will reach the process; should the process not hold
   * one (it restarted), every text is sent again whole.
   */
  private call<T>(request: AnalysisRequest, timeoutMs?: number): Promise<T> {
    const wire = this.wire(request);
    this.calls++;
    const result = this.queue.then(async () => {
      try {
        const reply = await this.worker.request<T | ResendReply>(wire, timeoutMs);
        if (!isResend(reply)) return reply;
        this.texts.reset();
        const again = await this.worker.request<T | ResendReply>(this.wire(request), timeoutMs);
        if (isResend(again)) throw new Error('the analysis process lost texts sent whole');
        return again;
      } finally {
        this.calls--;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Requests to the analysis process not answered yet (queued or sent). */
  private calls = 0;

  /** Lint texts of open documents and modules as edits of those the process holds (text-sync.ts); closed files' whole. */
  private wire(request: AnalysisRequest): WireRequest {
    if (request.kind !== 'lint' && request.kind !== 'lintMany') return request;
    const overlays = request.overlays && Object.fromEntries(Object.entries(request.overlays).map(([file, text]) => [file, this.texts.ref(overlayKey(file), text)]));
    const text = (uri: string, t: string) => (this.docs.get(uri)?.text === t ? this.texts.ref(documentKey(uri), t) : t);
    if (request.kind === 'lint') return { ...request, text: text(request.uri, request.text), overlays };
    return { ...request, items: request.items.map((i) => ({ ...i, text: text(i.uri, i.text) })), overlays };
  }
}

/**
 * Converts engine diagnostics of one analysis to LSP, each range with the lines of its own file:
 * the analysed document, an open document, or the file on disk (read like any project file).
 */
class Placer {
  private readonly lines = new Map<string, LineIndex | null>();

  constructor(
    private readonly doc: OpenDocument,
    private readonly openDoc: (uri: string) => OpenDocument | undefined,
    private readonly read: ReadText,
  ) {}

  diagnostic(d: Diagnostic): LspDiagnostic | null {
    const uri = d.file === undefined ? this.doc.uri : pathToFileURL(d.file).href;
    const lines = this.linesOf(uri, d.file);
    if (!lines) return null;
    const version = d.file === undefined ? this.doc.version : this.openDoc(uri)?.version ?? 0;
    const out = toDiagnostic({ ...d, related: [] }, lines, uri, version);
    // A related place without a file is in the analysed document, whichever file the diagnostic is in.
    out.relatedInformation = d.related.flatMap((r) => {
      const rUri = r.file === undefined ? this.doc.uri : pathToFileURL(r.file).href;
      const rLines = this.linesOf(rUri, r.file);
      return rLines ? [{ location: { uri: rUri, range: { start: rLines.toLsp(r.range.start), end: rLines.toLsp(r.range.end) } }, message: r.message }] : [];
    });
    return out;
  }

  private linesOf(uri: string, file: string | undefined): LineIndex | null {
    if (file === undefined || uri === this.doc.uri) return this.doc.lines;
    let l = this.lines.get(uri);
    if (l === undefined) {
      const open = this.openDoc(uri);
      const text = open ? undefined : this.read(file);
      l = open ? open.lines : text !== undefined ? new LineIndex(text) : null;
      this.lines.set(uri, l);
    }
    return l;
  }
}

/** A lint reply as a cache entry (what `shapelint check` caches: diagnostics, syntax errors, imports and lookups). */
function cacheEntry(reply: Extract<LintReply, { lint: unknown }>): LintJobResult {
  const { engine } = reply.lint;
  const hashes = reply.importHashes ?? {};
  const lookups = reply.lookups ?? {};
  const imports = (engine.imports ?? []).map((m) => ({ ...m, hash: hashes[m.path] ?? lookups[m.name]?.[1] ?? '' }));
  return { id: 0, diagnostics: reply.lint.diagnostics, syntaxErrors: engine.syntaxErrors, truncated: engine.truncated, applied: [], ...(imports.length ? { imports } : {}), lookups };
}

/** Shown on the first line of a document whose analysis process died or timed out. */
function analysisFailed(reason: string): LspDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: SOURCE,
    code: 'analysis-failed',
    message: `shapelint could not analyse this file: ${reason}. Its shape errors are not shown; the next edit tries again.`,
  };
}

type Facts = { models: ModelSummary[]; tensors: TensorFact[] };

/** `work`'s value, or undefined when it takes longer than `ms`. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isResend(reply: unknown): reply is ResendReply {
  return (reply as Partial<ResendReply> | null)?.resend === true;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.stack ?? e.message : String(e);
}

/** The editor's `shapelint.kerasVersion` wins over the project's config and pins. */
function kerasVersionSettings(s: ServerSettings, p: ProjectSettings): Pick<LintSettings, 'kerasVersions' | 'kerasVersionSource'> {
  if (s.kerasVersion !== 'auto') return { kerasVersions: kerasVersionsOf(s.kerasVersion), kerasVersionSource: 'the shapelint.kerasVersion setting' };
  return p.kerasVersions ? { kerasVersions: p.kerasVersions, kerasVersionSource: p.kerasVersionSource } : {};
}

/** Editor settings win over project files when set, as Ruff's `editorFirst` does. */
export function lintSettings(s: ServerSettings, p: ProjectSettings): LintSettings {
  const inputShapes = { ...p.inputShapes, ...s.inputShapes };
  const out: LintSettings = {
    select: s.select.length > 0 ? s.select : p.select,
    ignore: [...(p.ignore ?? []), ...s.ignore],
    // Left out when empty, as the CLI does: both key the shared result cache by the settings.
    ...(Object.keys(inputShapes).length ? { inputShapes } : {}),
    kerasBackend: p.kerasBackend,
    ...kerasVersionSettings(s, p),
    budgets: p.budgets,
  };
  if (s.kerasDataFormat !== 'auto') {
    out.kerasDataFormat = s.kerasDataFormat;
    out.kerasDataFormatSource = 'the shapelint.kerasDataFormat setting';
  } else if (p.kerasDataFormat) {
    out.kerasDataFormat = p.kerasDataFormat;
    out.kerasDataFormatSource = p.kerasDataFormatSource;
  }
  return out;
}
