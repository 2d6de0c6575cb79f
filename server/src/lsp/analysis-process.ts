/**
 * Entry of the language server's analysis process (started by `analysis-service.ts`): it keeps
 * a syntax tree per document and runs the shared lint pipeline, off the server's main thread
 * and in its own heap, so a document that crashes or hangs the engine cannot take the server
 * down. A request carries an open document's text (and the open modules' texts) as an edit of
 * the last text it sent (text-sync.ts); the tree is updated incrementally from the difference
 * with the text it last saw (one edit spanning the changed region), so the tree can never drift
 * from the text. A lint reply carries diagnostics; the document's model summaries and tensor facts
 * (most of a reply's size, and the delta encoding's time) stay here until the server asks for them
 * with a `facts` request (hovers, inlay hints, summaries), so the way from an edit to its
 * diagnostics does not carry them.
 */
import { openSync, readSync } from 'node:fs';
import { AnalysisCache, analyzeTree, ConversionCache, DocumentTree, type ChangedRegion, type EngineResult, type ModelSummary, type ModuleSource, type ParsedTree, type PythonParser, type TensorFact } from '../engine/index';
import { contentHash } from '../host/cache';
import { serveRequests, testFault } from '../host/isolated-child';
import { recordingLookups, type Lookups } from '../host/lint-job';
import { engineOptions, lintEngineResult, type LintResult, type LintSettings } from '../host/lint';
import { loadParser } from '../host/parser';
import { withPortOf } from '../host/port-of';
import { portText, type PortFramework, type PortResult } from '../engine/port/index';
import { fileModuleProvider, withHash, type ProjectSpec } from '../host/project';
import { localPath } from './documents';
import { treeEditBetween } from './text-delta';
import { documentKey, overlayKey, TextStore, type TextRef } from './text-sync';
import { encodeFacts, type FactsDelta, type SentFacts } from './result-delta';
import { treeFingerprint } from './requests';

export type AnalysisRequest =
  | {
      kind: 'lint';
      uri: string;
      text: string;
      settings: LintSettings;
      /** The file's place in its project; `overlays` are open documents' texts by path (unsaved edits win over disk). */
      project?: ProjectSpec;
      overlays?: Record<string, string>;
      /** Writing this number into the cancel file (the process's argument) cancels the request. */
      id?: number;
      /** Reply with every module name looked up, the file found and its hash (for the result cache). */
      record?: boolean;
      /** How the process's text store made `text` (set in the process, never sent). */
      edit?: TextEdit;
    }
  /** Several documents in one request (an edited module's dependents), sharing `overlays` and the module evaluations. */
  /** `id`: cancels the request as for `lint`; the items not finished then reply `cancelled`. */
  | { kind: 'lintMany'; items: { uri: string; text: string; settings: LintSettings; project?: ProjectSpec; record?: boolean; edit?: TextEdit }[]; overlays?: Record<string, string>; id?: number }
  | { kind: 'syntaxTree'; uri: string; text: string }
  /** `shapelint/port`: the model translated to another framework (the engine's `port`). */
  | { kind: 'port'; uri: string; text: string; settings: LintSettings; model?: string; to: PortFramework; project?: ProjectSpec; overlays?: Record<string, string> }
  /** The models and tensor facts of lint reply `seq`, as a delta against reply `have` when the server holds its facts (result-delta.ts). */
  | { kind: 'facts'; uri: string; seq: number; have?: number }
  | { kind: 'forget'; uri: string };

type LintRequest = Extract<AnalysisRequest, { kind: 'lint' }>;
type LintManyRequest = Extract<AnalysisRequest, { kind: 'lintMany' }>;
/** Texts as they travel: an open document's as an edit of the last one sent (text-sync.ts), a closed file's whole. */
type WireText = TextRef | string;
type WireOverlays = Record<string, WireText>;

/** A request as the server sends it (see `AnalysisRequest`): lint texts and overlays as `TextRef`s. */
export type WireRequest =
  | (Omit<LintRequest, 'text' | 'overlays'> & { text: WireText; overlays?: WireOverlays })
  | (Omit<LintManyRequest, 'items' | 'overlays'> & { items: (Omit<LintManyRequest['items'][number], 'text'> & { text: WireText })[]; overlays?: WireOverlays })
  | Exclude<AnalysisRequest, LintRequest | LintManyRequest>;

/** The process does not hold a text a request builds on: the server sends them all whole. */
export type ResendReply = { resend: true };

/**
 * `importHashes`: the content hash of each project module the analysis read, by path. `facts`:
 * the number a `facts` request asks this reply's models and tensor facts by (`lint.engine.models`
 * and `tensors` are empty).
 */
export type LintReply =
  | { lint: LintResult; importHashes?: Record<string, string>; facts: number; lookups?: Lookups }
  | { error: string }
  /** A newer edit made the request stale before it finished. */
  | { cancelled: true };
export type LintManyReply = { replies: LintReply[] };

/** The facts of reply `seq`: whole, or a delta against the facts of reply `base`; stale when the document was analysed again (or the process restarted) since. */
export type FactsReply = { seq: number; base: number; delta: FactsDelta } | { seq: number; models: ModelSummary[]; tensors: TensorFact[] } | { stale: true };

/**
 * Trees of at most this many documents are kept (least recently used are dropped): enough for a
 * module's open dependents, re-analysed together after each edit of it, to keep theirs.
 */
const MAX_TREES = 64;

class TrackedDocument {
  private text = '';
  /** The number of `text` in the text store (undefined when it came whole, outside the store). */
  private seq: number | undefined;
  private tree: ParsedTree | null = null;
  /** Re-parses only the top-level statements an edit touches, when that gives the whole parse's tree (engine/syntax/pieces.ts). */
  private pieces: DocumentTree | null = null;
  readonly conversionCache = new ConversionCache();
  /** Block runs of the last analysis: an edit inside one model re-runs only its block (engine/incremental.ts). */
  readonly analysisCache = new AnalysisCache();
  /** The models and tensor facts of the last lint reply (sent when asked for), with their origins when they came from blocks. */
  latest: { seq: number; models: ModelSummary[]; tensors: TensorFact[]; origins: Omit<SentFacts, 'seq'> | null } | null = null;
  /** The facts the server holds: the last ones sent, when they came from blocks (deltas build on them). */
  held: SentFacts | null = null;

  /** The tree of `text`, re-parsed incrementally from the previous one (`edit`: how the text store made it). */
  treeFor(parser: PythonParser, text: string, edit?: TextEdit): ParsedTree {
    // The region the server sent is the changed region between the two texts when this tree is of the text it edited.
    const region = edit?.base !== undefined && edit.base === this.seq ? edit.region : undefined;
    this.seq = edit?.seq;
    if (this.tree && text === this.text) return this.tree;
    this.pieces ??= new DocumentTree(parser);
    const pieces = this.pieces;
    this.tree = pieces.parse(text, this.tree ? treeEditBetween(this.text, text, region) : undefined);
    this.text = text;
    // Freeing a large tree takes a while: after the reply is sent.
    setImmediate(() => pieces.freeRetired());
    return this.tree;
  }

  dispose(): void {
    this.pieces?.dispose();
    this.pieces = null;
    this.tree = null;
  }
}

const documents = new Map<string, TrackedDocument>();

function tracked(uri: string): TrackedDocument {
  let doc = documents.get(uri);
  if (doc) documents.delete(uri); // re-inserted below: Map order is recency
  else doc = new TrackedDocument();
  documents.set(uri, doc);
  for (const [old, d] of documents) {
    if (documents.size <= MAX_TREES) break;
    d.dispose();
    documents.delete(old);
  }
  return doc;
}

function forget(uri: string): void {
  documents.get(uri)?.dispose();
  documents.delete(uri);
}

/** How a lint text was made: its number in the store, and the edit of text `base` it was. */
interface TextEdit {
  seq: number;
  base?: number;
  region?: ChangedRegion;
}

/** The last text of each open document and module the server sent (text-sync.ts). */
const texts = new TextStore();

/** The request with its texts whole; null when one builds on a text the store does not hold. */
function resolveTexts(request: WireRequest): AnalysisRequest | null {
  if (request.kind === 'forget') {
    texts.drop(documentKey(request.uri));
    const file = localPath(request.uri);
    if (file) texts.drop(overlayKey(file));
    return request;
  }
  if (request.kind !== 'lint' && request.kind !== 'lintMany') return request;
  const overlays = request.overlays && resolveOverlays(request.overlays);
  if (overlays === null) return null;
  if (request.kind === 'lint') {
    const text = resolveText(documentKey(request.uri), request.text);
    return text ? { ...request, text: text.text, edit: text.edit, overlays } : null;
  }
  const items: LintManyRequest['items'] = [];
  for (const item of request.items) {
    const text = resolveText(documentKey(item.uri), item.text);
    if (!text) return null;
    items.push({ ...item, text: text.text, edit: text.edit });
  }
  return { ...request, items, overlays };
}

function resolveText(key: string, text: WireText): { text: string; edit?: TextEdit } | undefined {
  if (typeof text === 'string') return { text };
  const found = texts.resolve(key, text);
  return found && { text: found.text, edit: { seq: text.seq, ...found.edit } };
}

function resolveOverlays(overlays: WireOverlays): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [file, text] of Object.entries(overlays)) {
    const found = resolveText(overlayKey(file), text);
    if (!found) return null;
    out[file] = found.text;
  }
  return out;
}

/** A provider whose modules open in the editor read as the editor has them. */
function withOverlays(base: ReturnType<typeof fileModuleProvider>, overlays: Record<string, string>): ReturnType<typeof fileModuleProvider> {
  // One source per open module, so its content hash is computed once (every kept block run checks it).
  const open = new Map<string, ModuleSource>();
  const find: typeof base.find = (name) => {
    const found = base.find(name);
    const text = found && !found.stub ? overlays[found.path] : undefined;
    if (text === undefined) return found;
    let source = open.get(found!.path);
    if (!source) open.set(found!.path, (source = withHash({ path: found!.path, text, isPackage: found!.isPackage, stub: found!.stub })));
    return source;
  };
  return { ...base, find, textOf: (file) => overlays[file] ?? base.textOf(file) };
}

const parser = loadParser('wasm');

serveRequests(async (message) => {
  // Texts first, before any wait: the store must follow the server's requests in order.
  const request = resolveTexts(message as WireRequest);
  if (!request) return { resend: true } satisfies ResendReply;
  if (request.kind === 'forget') {
    forget(request.uri);
    return {};
  }
  const p = await parser;
  if (request.kind === 'port') return port(p, request);
  if (request.kind === 'lintMany') {
    // One provider per set of import roots: the batch resolves and reads each module once.
    const providers = new Map<string, ReturnType<typeof fileModuleProvider>>();
    // One cancel check for the batch: once cancelled, the items left are not started.
    const cancelled = cancelCheck(request.id);
    const replies = request.items.map((item): LintReply => (cancelled() ? { cancelled: true } : lint(p, { kind: 'lint', ...item, overlays: request.overlays }, providers, cancelled)));
    return { replies } satisfies LintManyReply;
  }
  if (request.kind === 'facts') return factsOf(request);
  if (request.kind === 'syntaxTree') return { tree: treeFingerprint(tracked(request.uri).treeFor(p, request.text).rootNode) };
  return lint(p, request);
});

/** `batch`: the batch's cancel check (a batch item's result that turns stale is dropped by the server anyway, so it is not read again at the end). */
function lint(p: PythonParser, request: Extract<AnalysisRequest, { kind: 'lint' }>, providers?: Map<string, ReturnType<typeof fileModuleProvider>>, batch?: (now?: boolean) => boolean): LintReply {
  const doc = tracked(request.uri);
  testFault(request.text);
  try {
    const tree = doc.treeFor(p, request.text, request.edit);
    const { modules, project } = projectOptions(p, request, providers);
    const lookups: Lookups | undefined = request.record && project.modules ? {} : undefined;
    if (lookups && project.modules) project.modules = recordingLookups(project.modules, lookups);
    const cancelled = batch ?? cancelCheck(request.id);
    const options = { ...engineOptions(request.settings), ...project, conversionCache: doc.conversionCache, analysisCache: doc.analysisCache, cancelled };
    const analysed = analyzeTree(tree, request.text, options);
    if (cancelled(!batch)) return { cancelled: true } satisfies LintReply;
    // Converted once per URI (documents.ts): a module's 50 dependents converted theirs at every edit.
    const file = localPath(request.uri) ?? undefined;
    const engine = withPortOf(p, analysed, request.text, engineOptions(request.settings), { file, textOf: (f) => request.overlays?.[f] });
    const importHashes: Record<string, string> = {};
    for (const m of engine.imports ?? []) if (!m.stub) importHashes[m.path] = hashOfModule(m.path, modules?.textOf(m.path) ?? '');
    const lint = lintEngineResult(engine, request.text, request.settings, modules?.textOf);
    return { lint: forServer(lint), facts: keepFacts(doc, lint, analysed), importHashes, ...(lookups ? { lookups } : {}) } satisfies LintReply;
  } catch (e) {
    // The engine never throws; this guards parsing and the pipeline. Start afresh next time.
    forget(request.uri);
    return { error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
}

/** The last content hash of each imported module's text, by path: an edited module's 50 dependents hash it once. */
const moduleHashes = new Map<string, { text: string; hash: string }>();

function hashOfModule(file: string, text: string): string {
  const known = moduleHashes.get(file);
  if (known?.text === text) return known.hash;
  if (moduleHashes.size >= MAX_KEPT_HASHES) moduleHashes.clear();
  const hash = contentHash(text);
  moduleHashes.set(file, { text, hash });
  return hash;
}

const MAX_KEPT_HASHES = 1024;

/** The file the server writes a request's id into to cancel it (the process's argument). */
const cancelFile = process.argv[2] as string | undefined;
/** Reading the cancel file at most this often. */
const CANCEL_POLL_MS = 5;

/** Whether the server cancelled request `id` (`now`: read the file whatever the last reading). */
function cancelCheck(id: number | undefined): (now?: boolean) => boolean {
  let lastRead = performance.now();
  let cancelled = false;
  return (now = false) => {
    if (cancelled || id === undefined || !cancelFile) return cancelled;
    if (!now && performance.now() - lastRead < CANCEL_POLL_MS) return false;
    lastRead = performance.now();
    try {
      cancelled = readCancelFile(cancelFile) === String(id);
    } catch {
      /* no file: nothing cancelled yet */
    }
    return cancelled;
  };
}

/** The cancel file, kept open once it exists (the server creates it before starting us): one read, not an open and a close. */
let cancelFd: number | undefined;
const cancelBuffer = Buffer.alloc(32);

function readCancelFile(file: string): string {
  cancelFd ??= openSync(file, 'r');
  return cancelBuffer.toString('utf8', 0, readSync(cancelFd, cancelBuffer, 0, cancelBuffer.length, 0));
}

/** Reply numbers: started from the clock, so a restarted process never reuses one the server holds. */
let replies = Date.now();

/** Keeps the lint's models and tensor facts for a `facts` request; the number it asks them by. */
function keepFacts(doc: TrackedDocument, lint: LintResult, analysed: EngineResult): number {
  const seq = ++replies;
  // Origins describe the engine's items; the pipeline may have replaced them (then they go whole).
  const fromBlocks = lint.engine.models === analysed.models && lint.engine.tensors === analysed.tensors;
  doc.latest = { seq, models: lint.engine.models, tensors: lint.engine.tensors, origins: fromBlocks ? doc.analysisCache.lastOrigins : null };
  return seq;
}

/** The facts of reply `seq`, as a delta against the ones the server holds when it holds those of reply `have`. */
function factsOf(request: Extract<AnalysisRequest, { kind: 'facts' }>): FactsReply {
  const doc = documents.get(request.uri);
  const latest = doc?.latest;
  if (!doc || latest?.seq !== request.seq) return { stale: true };
  const held = doc.held;
  doc.held = latest.origins && { seq: latest.seq, ...latest.origins };
  if (!latest.origins || !held || held.seq !== request.have) return { seq: latest.seq, models: latest.models, tensors: latest.tensors };
  return { seq: latest.seq, base: held.seq, delta: encodeFacts(latest, latest.origins, held) };
}

/**
 * The lint result without what the server never reads, which was half of a reply for a large
 * file: the engine's own diagnostics (the lint's are the ones shown) and every comment but
 * those a hover explains (`# noqa` ones, lsp/hover.ts); and without the models and tensor facts,
 * which a `facts` request fetches.
 */
function forServer(lint: LintResult): LintResult {
  const comments = lint.engine.comments.filter((c) => NOQA.test(c.text));
  return { ...lint, engine: { ...lint.engine, diagnostics: [], comments, models: [], tensors: [] } };
}

const NOQA = /noqa/i;

/** The engine's view of the document's project: its modules, open documents' texts winning. */
function projectOptions(p: PythonParser, request: { project?: ProjectSpec; overlays?: Record<string, string> }, providers?: Map<string, ReturnType<typeof fileModuleProvider>>) {
  const modules = request.project ? providerFor(p, request.project, request.overlays ?? {}, providers) : undefined;
  const project = modules && request.project ? { modules, moduleName: request.project.moduleName, isPackage: request.project.isPackage } : {};
  return { modules, project };
}

/** The provider of a project's modules (only its import roots matter), from `providers` when it has one for the same roots. */
function providerFor(p: PythonParser, spec: ProjectSpec, overlays: Record<string, string>, providers?: Map<string, ReturnType<typeof fileModuleProvider>>) {
  const key = spec.roots.join('\0');
  const known = providers?.get(key);
  if (known) return known;
  const provider = withOverlays(fileModuleProvider(spec, p), overlays);
  providers?.set(key, provider);
  return provider;
}

/** A port is a one-off: the whole text is analysed afresh (the lint's tree stays untouched). */
function port(p: PythonParser, request: Extract<AnalysisRequest, { kind: 'port' }>): { port: PortResult } {
  const { project } = projectOptions(p, request);
  const result = portText(p, request.text, { ...engineOptions(request.settings), ...project }, { model: request.model, to: request.to });
  // The graph and check are the engine's working data; the client needs the code and the verdict.
  return { port: { ...result, graph: undefined } };
}
