/**
 * The `# shapelint: port-of=path::Model` directive (rule `port-divergence`): the model it marks
 * is compared with the model it was ported from, as `shapelint port --compare` does. The
 * comparison is engine logic on two texts; this host side finds and reads the other file
 * (an editor's open text first, else the disk through `safe-read.ts`).
 */
import * as path from 'node:path';
import { LineIndex, ruleByName, type AnalyzeOptions, type Diagnostic, type EngineResult, type ModelSummary, type PythonParser } from '../engine/index';
import { compareModels } from '../engine/port/compare';
import { readSmallFile } from './safe-read';

const DIRECTIVE = /#\s*shapelint:\s*port-of=(\S+)/i;
/** Model files are source code: a few hundred kilobytes at most. */
const MAX_ORIGINAL_BYTES = 2 << 20;

export interface PortOfContext {
  /** The analysed file's path (directives resolve relative to its folder); without it, nothing is compared. */
  file?: string;
  /** Open documents' texts by path, which win over the disk. */
  textOf?: (file: string) => string | undefined;
}

/** Whether a text carries the directive (its lint then depends on another file). */
export function hasPortOf(text: string): boolean {
  return DIRECTIVE.test(text);
}

/** The engine's result with one `port-divergence` warning per divergence of each marked model. */
export function withPortOf(parser: PythonParser, engine: EngineResult, text: string, options: AnalyzeOptions, ctx: PortOfContext): EngineResult {
  // The comments, not the text: the language server asks at every edit of a large document.
  if (!ctx.file || !engine.comments.some((c) => hasPortOf(c.text))) return engine;
  const lines = new LineIndex(text);
  const found: Diagnostic[] = [];
  for (const comment of engine.comments) {
    const spec = DIRECTIVE.exec(comment.text)?.[1];
    if (!spec) continue;
    const model = markedModel(engine.models, lines, lines.lineOf(comment.range.start));
    const at = model?.range ?? comment.range;
    for (const message of divergences(parser, text, options, ctx, spec, model)) found.push(divergence(message, at, spec));
  }
  return found.length ? { ...engine, diagnostics: [...engine.diagnostics, ...found] } : engine;
}

/** The model defined on the directive's line or the next one, else the one around it. */
function markedModel(models: ModelSummary[], lines: LineIndex, line: number): ModelSummary | undefined {
  const starts = (m: ModelSummary) => lines.lineOf(m.range.start);
  return models.find((m) => starts(m) === line || starts(m) === line + 1)
    ?? models.find((m) => starts(m) <= line && lines.lineOf(m.range.end) >= line);
}

function divergences(parser: PythonParser, text: string, options: AnalyzeOptions, ctx: PortOfContext, spec: string, model: ModelSummary | undefined): string[] {
  if (!model) return [`\`port-of=${spec}\` marks no model: put it on the line of the model's definition or the line above`];
  const at = spec.lastIndexOf('::');
  const relative = at > 0 ? spec.slice(0, at) : spec;
  const file = path.resolve(path.dirname(ctx.file!), relative);
  const original = ctx.textOf?.(file) ?? readOriginal(file);
  if (typeof original !== 'string') return [`cannot compare: ${original.reason}`];
  const result = compareModels(
    parser,
    { text: original, options, model: at > 0 ? spec.slice(at + 2) || undefined : undefined, label: relative },
    { text, options, model: model.name, label: model.name },
  );
  return result.error ? [`cannot compare: ${result.error}`] : result.divergences;
}

function readOriginal(file: string): string | { reason: string } {
  const read = readSmallFile(file, { maxBytes: MAX_ORIGINAL_BYTES, timeoutMs: 2000 });
  if (read.kind === 'text') return read.text;
  return { reason: read.kind === 'missing' ? 'no such file' : read.reason };
}

function divergence(message: string, range: Diagnostic['range'], spec: string): Diagnostic {
  const rule = ruleByName('port-divergence');
  return {
    code: rule.code,
    rule: rule.name,
    severity: 'warning',
    message: `port of ${spec}: ${message}`,
    explanation: [],
    range,
    related: [],
    fixes: [],
  };
}
