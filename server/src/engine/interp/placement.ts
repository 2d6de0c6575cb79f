/**
 * Turns a multi-file analysis's program offsets back into places in files: each diagnostic,
 * related location, fix, model summary, layer application and tensor fact gets the range
 * local to its own file, and `file` when that file is not the analysed one. Nothing is ever
 * placed in a library stub: diagnostics raised there were moved to the user's call site when
 * reported (`userSite`); related places and facts inside stubs are dropped, and a library
 * model's layers take the place of the user's call that built the model.
 */
import type { Diagnostic, ElsewhereFacts, Fix, LayerApplication, ModelSummary, RelatedLocation, TensorFact, TextRange } from '../types';
import type { InterpretResult } from './interpreter';
import type { LoadedModule, Program } from './program';

/** Counts of summaries and tensor facts at a phase boundary of a run (incremental.ts orders results by them). */
export interface Mark {
  models: number;
  tensors: number;
}

/** A run's phase marks carried through placement: for the analysed file's facts and for each other file's. */
export interface PlacedMarks {
  entry: Mark[];
  elsewhere: Map<string, Mark[]>;
  /** A fact placed in another file names a place in the analysed file (it cannot move with a block of it). */
  entryRefs: boolean;
}

/** `marks` (counts before placement): also says where each phase boundary falls after it. */
export function placeResults(program: Program, result: InterpretResult, marks?: Mark[]): InterpretResult & { placedMarks?: PlacedMarks } {
  const place = (r: TextRange) => placeRange(program, r);
  const diagnostics = result.diagnostics.flatMap((d) => placeDiagnostic(program, d));
  const elsewhere = new Map<string, ElsewhereFacts>();
  const bucket = (file: string) => {
    let b = elsewhere.get(file);
    if (!b) elsewhere.set(file, (b = { file, tensors: [], models: [], comments: [] }));
    return b;
  };
  for (const m of program.modules) {
    if (!m.source || m.source.stub || !m.comments?.length || !diagnostics.some((d) => d.file === m.source!.path)) continue;
    bucket(m.source.path).comments = m.comments.map((c) => ({ ...c, range: { start: c.range.start - m.base, end: c.range.end - m.base } }));
  }
  const tensors: TensorFact[] = [];
  const placeTensor = (t: TensorFact) => {
    const p = place(t.range);
    if (!p) return;
    const fact = p.range === t.range ? t : { ...t, range: p.range };
    if (p.file === undefined) tensors.push(fact);
    else bucket(p.file).tensors.push(fact);
  };
  const models: ModelSummary[] = [];
  let entryRefs = false;
  const placeModel = (m: ModelSummary) => {
    const p = place(m.range);
    if (!p) return;
    const summary: ModelSummary = {
      ...m,
      range: p.range,
      inputSource: m.inputSource && samePlace(place(m.inputSource), p.file),
      // A library model's layers are in the stub: they are shown at the user's call that built it.
      layers: m.library ? m.layers.map((l) => ({ ...l, appliedAt: p.range, definedAt: p.range })) : placeLayers(program, m.layers, p.file),
    };
    if (p.file === undefined) models.push(summary);
    else bucket(p.file).models.push(summary);
    // A layer without a file in another file's summary may be the analysed file's (placeLayer).
    if (p.file !== undefined && !m.library && m.layers.some((l) => program.inEntry(l.appliedAt))) entryRefs = true;
    // A model created in one file from a class in another: that file's hovers see its layers too.
    for (const file of new Set(summary.layers.flatMap((l) => (l.file !== undefined ? [l.file] : [])))) {
      const layers = summary.layers.filter((l) => l.file === file).map(({ file: _file, ...l }) => l);
      bucket(file).models.push({ ...summary, range: layers[0].definedAt, inputSource: null, layers });
    }
  };
  const counts = (kind: 'models' | 'tensors') => () => new Map([['', kind === 'models' ? models.length : tensors.length], ...[...elsewhere].map(([f, b]) => [f, b[kind].length] as const)]);
  const tensorsAt = placeEach(result.tensors, placeTensor, marks?.map((m) => m.tensors), counts('tensors'));
  const modelsAt = placeEach(result.models, placeModel, marks?.map((m) => m.models), counts('models'));
  const placed = { ...result, diagnostics, tensors, models, imports: program.imports(), elsewhere: [...elsewhere.values()] };
  if (!marks) return placed;
  const markOf = (k: number, file: string) => ({ models: modelsAt[k].get(file) ?? 0, tensors: tensorsAt[k].get(file) ?? 0 });
  const placedMarks: PlacedMarks = {
    entry: marks.map((_, k) => markOf(k, '')),
    elsewhere: new Map([...elsewhere.keys()].map((f) => [f, marks.map((_, k) => markOf(k, f))])),
    entryRefs,
  };
  return { ...placed, placedMarks };
}

/** Places each item in order; with `stops` (ascending counts of items), the counts `count` gives when each stop is reached. */
function placeEach<T>(items: T[], place: (item: T) => void, stops: number[] | undefined, count: () => Map<string, number>): Map<string, number>[] {
  const at: Map<string, number>[] = [];
  for (let i = 0; i <= items.length; i++) {
    while (stops && at.length < stops.length && stops[at.length] <= i) at.push(count());
    if (i < items.length) place(items[i]);
  }
  return at;
}

interface Placed {
  range: TextRange;
  /** Absent for the analysed file. */
  file: string | undefined;
}

/** `r` in its module's file; `r` itself when that changes nothing (the analysed file's ranges, mostly), so callers can keep what holds it. */
function placeRange(program: Program, r: TextRange): Placed | null {
  const m: LoadedModule = program.moduleAt(r.start);
  if (m.source?.stub) return null;
  const file = m.source?.path;
  if (m.base === 0 && r.start <= r.end && r.end <= m.end) return { range: r, file };
  const end = Math.min(r.end, m.end);
  return { range: { start: r.start - m.base, end: Math.max(r.start, end) - m.base }, file };
}

function samePlace(p: Placed | null, file: string | undefined): TextRange | null {
  return p && p.file === file ? p.range : null;
}

function placeDiagnostic(program: Program, d: Diagnostic): Diagnostic[] {
  const at = placeRange(program, d.range);
  if (!at) return [];
  const related: RelatedLocation[] = d.related.flatMap((r) => {
    const p = placeRange(program, r.range);
    if (!p) return [];
    return [p.file === undefined ? { ...r, range: p.range } : { ...r, range: p.range, file: p.file }];
  });
  const fixes: Fix[] = d.fixes.flatMap((f) => {
    const edits = f.edits.map((e) => ({ e, p: placeRange(program, e.range) }));
    // A fix applies to the diagnostic's own file only.
    if (edits.some(({ p }) => !p || p.file !== at.file)) return [];
    return [{ ...f, edits: edits.map(({ e, p }) => ({ ...e, range: p!.range })) }];
  });
  const placed: Diagnostic = { ...d, range: at.range, related, fixes };
  if (at.file !== undefined) placed.file = at.file;
  return [placed];
}

function placeLayers(program: Program, layers: LayerApplication[], summaryFile: string | undefined): LayerApplication[] {
  const out: LayerApplication[] = [];
  for (const l of layers) {
    const placed = placeLayer(program, l, summaryFile);
    if (placed) out.push(placed);
  }
  return out;
}

/** `l` in its file; `l` itself when placing changes nothing (most layers of a file without imports). */
function placeLayer(program: Program, l: LayerApplication, summaryFile: string | undefined): LayerApplication | null {
  const applied = placeRange(program, l.appliedAt);
  if (!applied) return null;
  const defined = placeRange(program, l.definedAt);
  const definedAt = defined && defined.file === applied.file ? defined.range : applied.range;
  const file = applied.file !== summaryFile && applied.file !== undefined ? applied.file : undefined;
  if (applied.range === l.appliedAt && definedAt === l.definedAt && file === undefined && l.file === undefined) return l;
  const out: LayerApplication = { ...l, appliedAt: applied.range, definedAt };
  if (file !== undefined) out.file = file;
  return out;
}
