/**
 * `shapelint summary FILE`: a static `model.summary()` for each model the engine found:
 * layer, type, output shape and parameter counts, then the totals.
 */
import { formatShape, type LayerApplication, type ModelSummary } from '../engine/index';
import { ConfigResolver } from '../host/config';
import type { ConfigValues } from '../host/config-schema';
import { lintText } from '../host/lint';
import { fileModuleProvider } from '../host/project';
import { loadParser, type BackendChoice } from '../host/parser';
import * as path from 'node:path';
import { cliWarn, readItems } from './check';
import { printable } from './report';
import { EXIT, UsageError, type CliIo } from './io';

export interface SummaryOptions {
  file: string;
  format: 'text' | 'json';
  configFile?: string;
  overrides?: ConfigValues;
  isolated: boolean;
  backend: BackendChoice;
}

export async function runSummary(o: SummaryOptions, io: CliIo): Promise<number> {
  const abs = path.resolve(io.cwd, o.file);
  const resolver = new ConfigResolver({ cwd: io.cwd, configFile: o.configFile, overrides: o.overrides, isolated: o.isolated, home: io.env.HOME, warn: cliWarn(io) });
  const { items, readFailed } = readItems([abs], resolver, io, { fix: false, diff: false, addNoqa: false, overrides: o.overrides });
  if (readFailed || items.length === 0) return EXIT.error;
  const parser = await loadParser(o.backend);
  try {
    // The file's imports of project modules and library stubs are followed, as `check` does.
    const { project } = items[0];
    const modules = fileModuleProvider(project, parser);
    const r = lintText(parser, items[0].text, { ...items[0].settings, modules, moduleName: project.moduleName, isPackage: project.isPackage }, modules.textOf);
    if (r.engine.internalError) io.stderr(`error: internal error while analysing ${printable(items[0].display)}: ${r.engine.internalError.split('\n')[0]}\n`);
    // Models this file builds from classes in other project files are summarised too.
    const models = [...r.engine.models, ...(r.engine.elsewhere ?? []).flatMap((e) => e.models)];
    if (o.format === 'json') io.stdout(`${JSON.stringify(models.map(modelJson), null, 2)}\n`);
    else io.stdout(models.length ? models.map(renderModel).join('\n') : `No models found in ${printable(items[0].display)}.\n`);
    return r.engine.internalError ? EXIT.error : EXIT.clean;
  } finally {
    parser.dispose();
  }
}

export function checkSummaryFormat(f: string): 'text' | 'json' {
  if (f !== 'text' && f !== 'json') throw new UsageError(`invalid --format \`${f}\` for summary: expected text or json`);
  return f;
}

const COLUMNS = ['Layer (type)', 'Output Shape', 'Param #'];

/** Keras' summary layout, in plain ASCII. Unknown values print as `?`. */
export function renderModel(m: ModelSummary): string {
  const rows = m.layers.map((l) => [`${l.name} (${l.type})`, l.outputShape ? formatShape(l.outputShape) : '?', paramCell(l)]);
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
    })),
    totalParams: m.totalParams,
    trainableParams: m.trainableParams,
    nonTrainableParams: m.nonTrainableParams,
  };
}
