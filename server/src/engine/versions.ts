/**
 * Keras versions. The same call can mean different things in Keras 1, 2 and 3
 * (`Convolution2D(64, 5, 5)`: a 5x5 kernel, or a kernel of 5 with strides 5). The candidate
 * versions are those the host allows (the `keras-version` setting or the project's pins)
 * narrowed by what the code itself shows (Keras 1 keywords, `keras.ops`, `tensorflow_addons`,
 * Keras 2 module paths). The module is interpreted once per reading of the candidates, and only
 * when some layer call asked which version it runs on. A diagnostic found under every reading
 * stays an error; one found under some becomes a warning naming the versions where it fails.
 */
import type { Diagnostic, KerasSemantics, KerasVersion, KerasVersionProbe, ModelSummary } from './types';
import { KERAS_VERSIONS } from './types';
import { changedRegion, type ChangedRegion } from './text-region';

const SEMANTICS: Record<KerasVersion, KerasSemantics> = {
  keras1: 'legacy',
  'keras2.0-2.3': 'legacy',
  'keras2.4+': 'keras2',
  keras3: 'keras3',
};

const LABELS: Record<KerasVersion, string> = {
  keras1: 'Keras 1',
  'keras2.0-2.3': 'Keras 2.0–2.3',
  'keras2.4+': 'Keras 2.4+ / tf.keras 2',
  keras3: 'Keras 3',
};

const LEGACY: KerasVersion[] = ['keras1', 'keras2.0-2.3'];

const TF_KERAS = /\btf\.keras\b|\btensorflow\.keras\b|^\s*from\s+tensorflow\s+import\s+[^\n]*\bkeras\b/m;
const STANDALONE_KERAS = /^\s*(?:from\s+keras(?:\.|\s)|import\s+keras\b)/m;

/** What a piece of code says about the Keras versions it was written for, strongest first. */
const CODE_HINTS: { pattern: RegExp | ((text: string) => boolean); versions: KerasVersion[] }[] = [
  // Keras 3's backend-agnostic ops.
  { pattern: /\bkeras\.ops\b|^\s*from\s+keras\s+import\s+[^\n]*\bops\b/m, versions: ['keras3'] },
  // TensorFlow Addons only ever worked with tf.keras 2.
  { pattern: /\btensorflow_addons\b/, versions: ['keras2.4+'] },
  // Module paths Keras 3 removed.
  {
    pattern: /^\s*(?:from|import)\s+keras\.(?:layers\.(?:convolutional|core|recurrent|pooling|merge|normalization|embeddings|advanced_activations|wrappers|noise)|engine|utils\.np_utils)\b/m,
    versions: ['keras1', 'keras2.0-2.3', 'keras2.4+'],
  },
  // tf.keras never converted Keras 1 calls (only multi-backend Keras 2.0–2.3 did).
  { pattern: (text) => TF_KERAS.test(text) && !STANDALONE_KERAS.test(text), versions: ['keras2.4+', 'keras3'] },
  // Keras 1 keywords in a call (Keras 2.0–2.3 still converted them).
  {
    pattern: /[(,]\s*(?:nb_filter|nb_row|nb_col|filter_length|border_mode|subsample|subsample_length|pool_length|dim_ordering|W_regularizer|b_regularizer|W_constraint|b_constraint|inner_init|inner_activation|consume_less|dropout_W|dropout_U|nb_epoch)\s*=/,
    versions: LEGACY,
  },
];

const KERAS_ANYWHERE = /\bkeras\b/;
/** Keras 1 class spellings: the author most likely meant the Keras 1 reading. */
const LEGACY_CLASSES = /\b(?:Convolution[123]D|Deconvolution2D)\s*\(/;

/** The candidate versions, most likely first: what the host allows, narrowed by the code. */
export function candidateVersions(text: string, allowed: readonly KerasVersion[] | undefined): KerasVersion[] {
  const base = allowed && allowed.length > 0 ? KERAS_VERSIONS.filter((v) => allowed.includes(v)) : [...KERAS_VERSIONS];
  if (!KERAS_ANYWHERE.test(text)) return base.slice(0, 1);
  let narrowed = base;
  // Stronger hints first; a hint that would leave nothing contradicts a stronger one and is ignored.
  for (const hint of CODE_HINTS) {
    const next = narrowed.filter((v) => hint.versions.includes(v));
    const found = typeof hint.pattern === 'function' ? hint.pattern(text) : hint.pattern.test(text);
    if (found && next.length > 0) narrowed = next;
  }
  // Code that contradicts the pins still runs on the pinned versions: their errors are real.
  const newestFirst = [...narrowed].reverse();
  if (!LEGACY_CLASSES.test(text)) return newestFirst;
  return [...narrowed.filter((v) => LEGACY.includes(v)), ...newestFirst.filter((v) => !LEGACY.includes(v))];
}

/**
 * Every word the version hints match, each only as a whole word (bounded by `\b`, spaces, dots,
 * brackets): an edit inside one other word, still an identifier, changes no hint (`[^\n]*` takes
 * any word), so the last answer stands.
 */
const HINT_WORDS = new Set([
  'keras', 'ops', 'from', 'import', 'tensorflow_addons', 'tensorflow', 'tf', 'layers', 'engine', 'utils', 'np_utils',
  'convolutional', 'core', 'recurrent', 'pooling', 'merge', 'normalization', 'embeddings', 'advanced_activations', 'wrappers', 'noise',
  'nb_filter', 'nb_row', 'nb_col', 'filter_length', 'border_mode', 'subsample', 'subsample_length', 'pool_length', 'dim_ordering',
  'W_regularizer', 'b_regularizer', 'W_constraint', 'b_constraint', 'inner_init', 'inner_activation', 'consume_less', 'dropout_W', 'dropout_U', 'nb_epoch',
  'Convolution1D', 'Convolution2D', 'Convolution3D', 'Deconvolution2D',
]);

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * `candidateVersions` of the last text, reused when an edit changed only letters, digits or
 * underscores inside one word that is no hint word before or after (typing in a model): the
 * hints' regular expressions over the whole text cost about 1 ms of a 2,000-line file's edit.
 */
export class CandidateMemo {
  private last: { text: string; allowed: string; versions: KerasVersion[] } | null = null;
  /** How many answers were the last one (for tests). */
  reused = 0;

  /** `change`: the region changed from text `from` to this one, when the caller knows it (used when `from` is the last text asked). */
  of(text: string, allowed: readonly KerasVersion[] | undefined, change?: { from: string; region: ChangedRegion }): KerasVersion[] {
    const allowedKey = JSON.stringify(allowed ?? null);
    const last = this.last;
    if (last && last.allowed === allowedKey && (last.text === text || sameHints(last.text, text, change?.from === last.text ? change.region : undefined))) {
      last.text = text;
      this.reused++;
      return [...last.versions];
    }
    const versions = candidateVersions(text, allowed);
    this.last = { text, allowed: allowedKey, versions };
    return [...versions];
  }
}

/**
 * Whether `b` differs from `a` only inside one word, not a hint word in either (see HINT_WORDS),
 * or by blank lines added or removed at a line start (`newlinesOnly`).
 */
function sameHints(a: string, b: string, region = changedRegion(a, b)): boolean {
  const { start, oldEnd } = region;
  if (newlinesOnly(a, b, region)) return true;
  const end = a.length - oldEnd;
  const wordAround = (t: string): string | null => {
    const changedEnd = t.length - end;
    for (let i = start; i < changedEnd; i++) if (!WORD_CHAR.test(t[i])) return null;
    let from = start;
    while (from > 0 && WORD_CHAR.test(t[from - 1])) from--;
    let to = changedEnd;
    while (to < t.length && WORD_CHAR.test(t[to])) to++;
    return t.slice(from, to);
  };
  const before = wordAround(a);
  const after = wordAround(b);
  // An empty word would let its neighbours meet (`from x keras` becoming `from  keras`).
  return !!before && !!after && !HINT_WORDS.has(before) && !HINT_WORDS.has(after);
}

/**
 * Whether the change is newlines inserted or deleted right after a newline (or at the start):
 * blank lines typed or removed. Every hint's match then keeps matching and none appears: the
 * hints read newlines only as whitespace (`\s`), never inside a `[^\n]*` run (the newline
 * before the change ends any), never before a `\b` (`keras\n`), and every line start stays one.
 */
function newlinesOnly(a: string, b: string, { start, oldEnd, newEnd }: ChangedRegion): boolean {
  if (start > 0 && a.charCodeAt(start - 1) !== NEWLINE) return false;
  const [longer, from, to] = newEnd > oldEnd ? [b, oldEnd, newEnd] : [a, newEnd, oldEnd];
  // One side holds nothing of the region: a pure insertion or deletion.
  if (from !== start) return false;
  for (let i = start; i < to; i++) if (longer.charCodeAt(i) !== NEWLINE) return false;
  return true;
}

const NEWLINE = 10;

export interface VersionGroup {
  semantics: KerasSemantics;
  versions: KerasVersion[];
}

/** Candidates that read code the same way share one run. */
export function versionGroups(versions: KerasVersion[]): VersionGroup[] {
  const groups: VersionGroup[] = [];
  for (const v of versions) {
    const g = groups.find((x) => x.semantics === SEMANTICS[v]);
    if (g) g.versions.push(v);
    else groups.push({ semantics: SEMANTICS[v], versions: [v] });
  }
  return groups;
}

export class Probe implements KerasVersionProbe {
  asked = false;
  constructor(private readonly value: KerasSemantics, readonly candidates: readonly KerasVersion[]) {}
  semantics(): KerasSemantics {
    this.asked = true;
    return this.value;
  }
}

export interface RunResult {
  diagnostics: Diagnostic[];
  models: ModelSummary[];
  truncated: boolean;
}

/** Every version the code may run under, over all readings (the loss checks judge each at once). */
export function versionsOf(groups: VersionGroup[]): KerasVersion[] {
  return groups.flatMap((g) => g.versions);
}

/**
 * Runs `analyse` once per reading of `groups` (once only when no layer call asked) and merges
 * the verdicts.
 */
export function analyseAcrossVersions<R extends RunResult>(
  groups: VersionGroup[], analyse: (probe: KerasVersionProbe) => R, source?: string,
): R {
  const candidates = versionsOf(groups);
  const first = new Probe(groups[0].semantics, candidates);
  const primary = analyse(first);
  if (!first.asked || groups.length === 1) return primary;
  return mergeReadings([primary, ...groups.slice(1).map((g) => analyse(new Probe(g.semantics, candidates)))], groups, source);
}

/** The verdicts of one run per reading of `groups` (in their order), merged. */
export function mergeReadings<R extends RunResult>(results: R[], groups: VersionGroup[], source?: string): R {
  // Summaries and hovers follow the reading the code was most likely written for: the one whose
  // constructors raise least, then the one that knows the most shapes, then the likelier candidate.
  const best = results.reduce((a, b) => (compareReadings(b, a) < 0 ? b : a));
  return { ...best, diagnostics: mergeVerdicts(results, groups, source), truncated: results.some((r) => r.truncated) };
}

function compareReadings(a: RunResult, b: RunResult): number {
  const rejected = (r: RunResult) => r.diagnostics.filter((d) => d.rule === 'invalid-argument').length;
  const known = (r: RunResult) => r.models.reduce((n, m) => n + m.layers.filter((l) => l.outputShape !== null).length, 0);
  return rejected(a) - rejected(b) || known(b) - known(a);
}

function mergeVerdicts(results: RunResult[], groups: VersionGroup[], source: string | undefined): Diagnostic[] {
  const byPlace = new Map<string, { found: Diagnostic[]; groups: number[] }>();
  results.forEach((r, i) => {
    for (const d of r.diagnostics) {
      const key = `${d.file ?? ''}:${d.code}:${d.range.start}:${d.range.end}`;
      const entry = byPlace.get(key) ?? { found: [], groups: [] };
      if (!entry.groups.includes(i)) {
        entry.found.push(d);
        entry.groups.push(i);
      }
      byPlace.set(key, entry);
    }
  });
  const out: Diagnostic[] = [];
  for (const { found, groups: failing } of byPlace.values()) {
    const d = found[0];
    const otherWordings = found.slice(1)
      .map((o, k) => ({ message: o.message, group: groups[failing[k + 1]] }))
      .filter((o) => o.message !== d.message)
      .map((o) => `${label(o.group)} raises: ${o.message}`);
    if (failing.length === results.length) {
      out.push(otherWordings.length ? { ...d, explanation: [...d.explanation, ...otherWordings] } : d);
      continue;
    }
    const passing = groups.map((g, i) => ({ g, i })).filter(({ i }) => !failing.includes(i));
    // A shape error another version does not report may only be unknown there (no input shape).
    const accepting = passing.filter(({ i }) => d.rule === 'invalid-argument' || shapesKnownAt(results[i], d));
    const unknown = passing.filter((p) => !accepting.includes(p));
    const note = versionNote(
      versionsOf(failing.map((i) => groups[i])), versionsOf(accepting.map((p) => p.g)),
      { versions: versionsOf(unknown.map((p) => p.g)), why: 'the shapes there are unknown' }, source,
    );
    out.push({ ...d, severity: 'warning', explanation: [note, ...d.explanation, ...otherWordings] });
  }
  return out.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

/** Whether a run knows the output shape of the layer a diagnostic points at. */
function shapesKnownAt(r: RunResult, d: Diagnostic): boolean {
  const at = (x: { start: number; end: number }) => x.start === d.range.start && x.end === d.range.end;
  // A library model's layers all sit at the user's call: they say nothing of one layer's shape.
  return r.models.some((m) => !m.library && m.layers.some((l) => (at(l.definedAt) || at(l.appliedAt)) && l.outputShape !== null));
}

/**
 * The note on a finding that only some candidate versions raise: "fails on Keras 3; Keras 2.4+ /
 * tf.keras 2 accepts it; on Keras 1 the shapes there are unknown (no single Keras version is pinned: …)".
 */
export function versionNote(
  failing: readonly KerasVersion[], accepting: readonly KerasVersion[], others: { versions: readonly KerasVersion[]; why: string }, source: string | undefined,
): string {
  const clauses = [`fails on ${versionList(failing)}`];
  if (accepting.length) clauses.push(`${versionList(accepting)} ${accepting.length === 1 ? 'accepts' : 'accept'} it`);
  if (others.versions.length) clauses.push(`on ${versionList(others.versions)} ${others.why}`);
  return `${clauses.join('; ')} (no single Keras version is pinned${source ? ` by ${source}` : ''}: set keras-version to decide)`;
}

function label(g: VersionGroup): string {
  return versionList(g.versions);
}

/** "Keras 1, Keras 2.0–2.3 and Keras 3", oldest first. */
export function versionList(versions: readonly KerasVersion[]): string {
  const names = KERAS_VERSIONS.filter((v) => versions.includes(v)).map((v) => LABELS[v]);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
