/**
 * Diagnostics: a layer's issue becomes a diagnostic with the shapes that led to it (one history
 * line per layer), the related places (where the layer is defined, where the input comes from)
 * and its fixes as text edits. Diagnostics of a run are held until the run ends (the layout
 * re-run may reclassify them); those outside any run are emitted at once.
 */
import type { LayerIssue } from '../../layers/types';
import { ruleByName } from '../../rules/index';
import { formatShape } from '../../shapes';
import type { Diagnostic, Fix, Framework, RelatedLocation, Shape, TextRange } from '../../types';
import { argEdit } from '../fixes';
import { lineageIds, type LayerValue, type Lineage, type TensorVal } from '../values';
import type { ModelContext } from './context';
import { dedupe, defaultsOf } from './data-objects';
import type { AppRecord, Run } from './runs';

export class Diagnostics {
  private readonly diags: Diagnostic[] = [];
  private readonly diagKeys = new Set<string>();

  constructor(private readonly ctx: ModelContext) {}

  /** `layer` is the layer object that raised, or null for ops and operators (no definition to point at, no constructor to fix). */
  /** `extra`: more related places and ready-made fixes (a target sink's target trace and its edits). */
  report(run: Run, issue: LayerIssue, layer: LayerValue | null, range: TextRange, hist: Lineage | null, framework: Framework, inputs: TensorVal[] = [], extra?: { related: RelatedLocation[]; fixes: Fix[] }): void {
    const shown = this.ctx.host.userSite(range);
    // Inside a library stub, a path the user's call does not decide (unknown train/eval mode) stays silent.
    if (shown !== range && this.ctx.host.stubUncertain()) return;
    run.issues++;
    if (run.dry || !shown) return;
    // The first error raised inside a library call ends that call in Python: one per call site and run.
    if (shown !== range && run.diagnostics.some((d) => d.range.start === shown.start && d.range.end === shown.end)) return;
    const rule = ruleByName(issue.rule);
    const defaults = dedupe([...(run.input?.defaults ?? []), ...defaultsOf(...inputs, ...(layer ? layer.args.raw.values() : []))]);
    const explanation = [
      ...defaults.map((d) => `with the default \`${d.text}\` (${this.ctx.host.lineLabel(d.range.start, range.start)})`),
      ...this.historyLines(hist, inputs, shown),
      ...issue.explanation,
    ];
    // Inside a library model's stub: reported at the user's call, naming the stub's layer.
    const inStub = shown !== range;
    if (inStub) explanation.push(`raised inside the library model, by ${layer ? `its ${layer.name} (${layer.qname})` : 'an operation'}`);
    range = shown;
    const related: RelatedLocation[] = defaults.map((d) => ({ range: d.range, message: `the default \`${d.text}\` is set here` }));
    if (!inStub && layer && layer.id > 0 && (range.start !== layer.range.start || range.end !== layer.range.end)) {
      related.push({ range: layer.range, message: `${layer.name} is defined here` });
    }
    const origin = inputs[0]?.origin;
    if (origin && this.ctx.host.userSite(origin) === origin) related.push({ range: origin, message: `input shape ${formatShape(this.originShape(hist, inputs))} comes from here` });
    const fixes = (issue.fixes ?? []).flatMap((f) => {
      if (!layer || layer.id <= 0 || inStub) return [];
      const edit = argEdit(layer, f.name, f.value, (a, b) => this.ctx.host.sourceText(a, b));
      return edit ? [{ title: f.title, applicability: f.applicability, edits: [edit] }] : [];
    });
    if (extra) {
      related.push(...extra.related);
      fixes.push(...extra.fixes);
    }
    const d: Diagnostic = {
      code: rule.code,
      rule: rule.name,
      severity: issue.severity ?? rule.severity,
      message: issue.message,
      explanation,
      range,
      related,
      fixes,
      framework,
    };
    run.diagnostics.push(d);
    if (run === this.ctx.runs.ambient) this.emit(d);
  }

  private originShape(hist: Lineage | null, inputs: TensorVal[]): Shape | null {
    const ids = lineageIds(hist);
    const first = ids.length ? this.ctx.runs.apps.get(ids[0])?.app.inputShapes[0] : null;
    return first ?? inputs[0]?.shape ?? null;
  }

  /** One line per layer that shaped the input, oldest first (the last eight). */
  private historyLines(hist: Lineage | null, inputs: TensorVal[], at: TextRange): string[] {
    const lineOf = (offset: number) => this.ctx.host.lineLabel(offset, at.start);
    const lines: string[] = [];
    const recs = lineageIds(hist).map((id) => this.ctx.runs.apps.get(id)).filter((r): r is AppRecord => !!r);
    const first = recs[0];
    const origin = inputs[0]?.origin;
    const inShape = first ? first.app.inputShapes[0] : inputs[0]?.shape;
    if (inShape && inShape.open && inShape.dims.length === 0) {
      lines.push('input shape unknown (the model is not called on a visible tensor); channels follow from the layers');
    } else if (inShape) {
      const where = origin ? ` (${lineOf(origin.start)})` : '';
      const axes = first?.app.axisNames ? ` read as ${first.app.axisNames.join(' ')}${first.app.layout ? ` (${first.app.layout}${first.app.layoutSource ? `, ${first.app.layoutSource}` : ''})` : ''}` : '';
      lines.push(`input ${formatShape(inShape)}${where}${axes}`);
    }
    for (const r of recs.slice(-8)) {
      // A layer of a library stub is named, never located: its lines are not the user's.
      const inUserCode = this.ctx.host.userSite(r.app.appliedAt) === r.app.appliedAt;
      const where = inUserCode ? ` (${lineOf(r.app.appliedAt.start)})` : ' (in the library model)';
      const formulas = r.app.trace.map((t) => `${t.axis}: ${t.formula}`).join('; ');
      lines.push(`${r.app.type}${where}: ${formatShape(r.app.inputShapes[0] ?? null)} → ${formatShape(r.app.outputShape)}${formulas ? ` — ${formulas}` : ''}`);
    }
    return lines;
  }

  emit(d: Diagnostic): void {
    const key = `${d.rule}|${d.range.start}|${d.range.end}|${d.message}`;
    if (this.diagKeys.has(key)) return;
    this.diagKeys.add(key);
    this.diags.push(d);
  }

  /** Every emitted diagnostic, in source order. */
  all(): Diagnostic[] {
    return [...this.diags].sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
  }
}
