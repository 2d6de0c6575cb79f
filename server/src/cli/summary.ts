/**
 * `shapelint summary FILE`: a static `model.summary()` for each model the engine found:
 * layer, type, output shape and parameter counts, then the totals. `--format mermaid|dot|svg`
 * draws one model's layer graph instead (server/src/diagram).
 */
import { modelGraph } from '../diagram/graph';
import { toSvg } from '../diagram/svg';
import { toDot, toMermaid } from '../diagram/text-formats';
import { formatShape, summaryRows, type LayerApplication, type ModelSummary, type SummaryRow } from '../engine/index';
import { ConfigResolver } from '../host/config';
import type { ConfigValues } from '../host/config-schema';
import { lintText } from '../host/lint';
import { fileModuleProvider } from '../host/project';
import { loadParser } from '../host/parser';
import * as path from 'node:path';
import { cliWarn, readItems } from './check';
import { printable } from './report';
import { EXIT, UsageError, type CliIo } from './io';

const FORMATS = ['text', 'json', 'mermaid', 'dot', 'svg'] as const;
export type SummaryFormat = (typeof FORMATS)[number];
const GRAPH_FORMATS: Partial<Record<SummaryFormat, (g: ReturnType<typeof modelGraph>) => string>> = { mermaid: toMermaid, dot: toDot, svg: toSvg };

export interface SummaryOptions {
  file: string;
  format: SummaryFormat;
  /** Only this model (its variable or class name). */
  model?: string;
  configFile?: string;
  overrides?: ConfigValues;
  isolated: boolean;
  /** Text: list the layers of each block of a library model under its row. */
  expand?: boolean;
}

export async function runSummary(o: SummaryOptions, io: CliIo): Promise<number> {
  const abs = path.resolve(io.cwd, o.file);
  const resolver = new ConfigResolver({ cwd: io.cwd, configFile: o.configFile, overrides: o.overrides, isolated: o.isolated, home: io.env.HOME, warn: cliWarn(io) });
  const { items, readFailed } = readItems([abs], resolver, io, { fix: false, diff: false, addNoqa: false, overrides: o.overrides });
  if (readFailed || items.length === 0) return EXIT.error;
  const parser = await loadParser();
  try {
    // The file's imports of project modules and library stubs are followed, as `check` does.
    const { project } = items[0];
    const modules = fileModuleProvider(project, parser);
    const r = lintText(parser, items[0].text, { ...items[0].settings, modules, moduleName: project.moduleName, isPackage: project.isPackage }, modules.textOf);
    if (r.engine.internalError) io.stderr(`error: internal error while analysing ${printable(items[0].display)}: ${r.engine.internalError.split('\n')[0]}\n`);
    // Models this file builds from classes in other project files are summarised too; their
    // ranges are in those files, so their drawings carry no source arguments or lines.
    const found = [
      ...r.engine.models.map((model) => ({ model, text: items[0].text as string | null })),
      ...(r.engine.elsewhere ?? []).flatMap((e) => e.models.map((model) => ({ model, text: null }))),
    ];
    const all = found.map((f) => f.model);
    const picked = o.model === undefined ? found : found.filter((f) => f.model.name === o.model);
    const models = picked.map((f) => f.model);
    const draw = GRAPH_FORMATS[o.format];
    if (o.model !== undefined && models.length === 0) return noSuchModel(o.model, all, io);
    if (draw) {
      if (models.length === 0) io.stderr(`No models found in ${printable(items[0].display)}.\n`);
      else if (models.length > 1) return severalModels(models, io);
      else io.stdout(draw(modelGraph(models[0], picked[0].text, r.diagnostics)));
    } else if (o.format === 'json') io.stdout(`${JSON.stringify(models.map(modelJson), null, 2)}\n`);
    else io.stdout(models.length ? models.map((m) => renderModel(m, o.expand)).join('\n') : `No models found in ${printable(items[0].display)}.\n`);
    return r.engine.internalError || (draw && models.length === 0) ? EXIT.error : EXIT.clean;
  } finally {
    parser.dispose();
  }
}

export function checkSummaryFormat(f: string): SummaryFormat {
  const known = FORMATS.find((k) => k === f);
  if (!known) throw new UsageError(`invalid --format \`${f}\` for summary: expected ${FORMATS.slice(0, -1).join(', ')} or ${FORMATS.at(-1)}`);
  return known;
}

function noSuchModel(name: string, all: ModelSummary[], io: CliIo): number {
  io.stderr(`error: no model named \`${name}\`${all.length ? `; the models are: ${modelNames(all)}` : ': no models found'}\n`);
  return EXIT.error;
}

/** A picture shows one model: with several, the user picks one, as with `--model`. */
function severalModels(models: ModelSummary[], io: CliIo): number {
  io.stderr(`error: the file has ${models.length} models; pick one with --model NAME (${modelNames(models)})\n`);
  return EXIT.error;
}

function modelNames(models: ModelSummary[]): string {
  return [...new Set(models.map((m) => m.name))].join(', ');
}

const COLUMNS = ['Layer (type)', 'Output Shape', 'Param #'];

/**
 * Keras' summary layout, in plain ASCII. Unknown values print as `?`. A library model's blocks
 * are one row each (`layer1 (block, 6 layers)`), their layers indented below with `expand`.
 */
export function renderModel(m: ModelSummary, expand = false): string {
  const layerRow = (l: LayerApplication, indent: string) => [`${indent}${l.name} (${l.type})`, shapeCell(l.outputShape), paramCell(l)];
  const rows = summaryRows(m).flatMap((r) => (r.block ? [blockRow(r), ...(expand ? r.layers.map((i) => layerRow(m.layers[i], '  ')) : [])] : [layerRow(m.layers[r.layers[0]], '')]));
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)) + 2);
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('').trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0));
  const inputs = m.inputShapes.map((s) => (s ? formatShape(s) : '?')).join(', ') || '?';
  return [
    `Model: "${m.name}" (${m.framework})`,
    `Input: ${inputs}`,
    rule('_'),
    line(COLUMNS),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${count(m.totalParams)}`,
    `Trainable params: ${count(m.trainableParams)}`,
    `Non-trainable params: ${count(m.nonTrainableParams)}`,
    rule('_'),
    '',
  ].join('\n');
}

function blockRow(r: SummaryRow): string[] {
  const layers = `${r.layers.length} layer${r.layers.length === 1 ? '' : 's'}`;
  // A library backbone: its constructor, and the shape it was given as well as the one it returned.
  if (r.backbone) return [`${r.name} (${r.backbone.library}, ${layers})`, `${shapeCell(r.backbone.inputShape)} -> ${shapeCell(r.outputShape)}`, count(r.params)];
  return [`${r.name} (block, ${layers})`, shapeCell(r.outputShape), count(r.params)];
}

function blockJson(r: SummaryRow): object {
  const shape = (s: LayerApplication['outputShape']) => (s ? formatShape(s) : null);
  const backbone = r.backbone ? { library: r.backbone.library, inputShape: shape(r.backbone.inputShape) } : {};
  return { name: r.name, ...backbone, outputShape: shape(r.outputShape), params: r.params, layers: r.layers };
}

function shapeCell(s: LayerApplication['outputShape']): string {
  return s ? formatShape(s) : '?';
}

function paramCell(l: LayerApplication): string {
  if (l.reused) return '0 (shared)';
  return count(l.params);
}

function count(n: number | null): string {
  return n === null ? '?' : n.toLocaleString('en-US');
}

function modelJson(m: ModelSummary): object {
  return {
    name: m.name,
    framework: m.framework,
    inputShapes: m.inputShapes.map((s) => (s ? formatShape(s) : null)),
    layers: m.layers.map((l) => ({
      name: l.name,
      type: l.type,
      outputShape: l.outputShape ? formatShape(l.outputShape) : null,
      params: l.params,
      trainableParams: l.trainableParams,
      reused: l.reused,
      ...(l.block !== undefined ? { block: l.block } : {}),
    })),
    // A library model's layers collapsed by the stub's blocks (rows of one layer stay layers).
    ...(m.library || m.backbones ? { blocks: summaryRows(m).filter((r) => r.block).map(blockJson) } : {}),
    totalParams: m.totalParams,
    trainableParams: m.trainableParams,
    nonTrainableParams: m.nonTrainableParams,
  };
}
