/**
 * `shapelint port FILE --to keras|gluon|pytorch [--model NAME] [-o OUT] [--with-weights]`:
 * prints (or writes) the model translated to another framework, after the engine checked it.
 * The translation itself is engine logic (`engine/port/`); this file only reads and writes.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigResolver } from '../host/config';
import type { ConfigValues } from '../host/config-schema';
import { engineOptions } from '../host/lint';
import { loadParser } from '../host/parser';
import { fileModuleProvider, type ProjectSpec } from '../host/project';
import { portText, type PortFramework, type PortResult } from '../engine/port/index';
import { compareModels } from '../engine/port/compare';
import { cliWarn, readItems } from './check';
import { printable } from './report';
import { EXIT, UsageError, type CliIo } from './io';

export interface PortOptions {
  files: string[];
  to?: string;
  compare: boolean;
  model?: string;
  output?: string;
  withWeights: boolean;
  configFile?: string;
  overrides?: ConfigValues;
  isolated: boolean;
}

const TARGETS: Record<string, PortFramework> = { keras: 'keras', gluon: 'gluon', mxnet: 'gluon', pytorch: 'torch', torch: 'torch' };

export function portTarget(to: string): PortFramework {
  const t = TARGETS[to.toLowerCase()];
  if (!t) throw new UsageError(`invalid --to \`${to}\`: expected keras, gluon or pytorch`);
  return t;
}

export async function runPort(o: PortOptions, io: CliIo): Promise<number> {
  if (o.compare) return runCompare(o, io);
  if (o.files.length !== 1) throw new UsageError('port takes one file (or two with --compare)');
  if (!o.to) throw new UsageError('port needs --to keras|gluon|pytorch');
  const to = portTarget(o.to);
  const items = readSources([{ file: o.files[0] }], o, io);
  if (!items) return EXIT.error;
  const parser = await loadParser();
  let result: PortResult;
  try {
    // The file's imports of project modules and library stubs are followed, as `check` does.
    const { project } = items[0];
    const modules = fileModuleProvider(project, parser);
    const settings = { ...items[0].settings, modules, moduleName: project.moduleName, isPackage: project.isPackage };
    result = portText(parser, items[0].text, settings, { model: o.model, to, withWeights: o.withWeights });
  } finally {
    parser.dispose();
  }
  if (result.code !== undefined) {
    if (o.output) writeFileSync(path.resolve(io.cwd, o.output), result.code);
    else io.stdout(result.code);
  }
  io.stderr(portReport(result, items[0].display, to, o.output));
  return result.problems.length === 0 && result.code !== undefined ? EXIT.clean : EXIT.problems;
}

/** `A.py::Model` → the file and the model name. */
function splitTarget(spec: string): { file: string; model?: string } {
  const at = spec.lastIndexOf('::');
  return at > 0 ? { file: spec.slice(0, at), model: spec.slice(at + 2) || undefined } : { file: spec };
}

function readSources(specs: { file: string }[], o: PortOptions, io: CliIo): { text: string; settings: ReturnType<typeof engineOptions>; display: string; project: ProjectSpec }[] | null {
  const resolver = new ConfigResolver({ cwd: io.cwd, configFile: o.configFile, overrides: o.overrides, isolated: o.isolated, home: io.env.HOME, warn: cliWarn(io) });
  const out = [];
  for (const spec of specs) {
    const { items, readFailed } = readItems([path.resolve(io.cwd, spec.file)], resolver, io, { fix: false, diff: false, addNoqa: false, overrides: o.overrides });
    if (readFailed || items.length === 0) return null;
    out.push({ text: items[0].text, settings: engineOptions(items[0].settings), display: items[0].display, project: items[0].project });
  }
  return out;
}

/** `--compare A[::Model] B[::Model]`: where B diverges from A, one line each; exit 1 when it does. */
async function runCompare(o: PortOptions, io: CliIo): Promise<number> {
  if (o.files.length !== 2) throw new UsageError('--compare takes two models: A.py[::Model] B.py[::Model]');
  if (o.to) throw new UsageError('--compare and --to cannot be combined');
  const specs = o.files.map(splitTarget);
  const items = readSources(specs, o, io);
  if (!items) return EXIT.error;
  const parser = await loadParser();
  try {
    const [a, b] = items.map((it, k) => ({ text: it.text, options: it.settings, model: specs[k].model, label: printable(o.files[k]) }));
    const r = compareModels(parser, a, b);
    if (r.error) {
      io.stderr(`error: cannot compare: ${r.error}\n`);
      return EXIT.problems;
    }
    if (!r.divergences.length) {
      io.stdout(`${a.label} and ${b.label} agree: ${r.aligned} layers aligned, same shapes, parameters, activations and padding\n`);
      return EXIT.clean;
    }
    io.stdout(`${b.label} diverges from ${a.label} (${r.aligned} layers aligned):\n${r.divergences.map((d) => `  - ${d}`).join('\n')}\n`);
    return EXIT.problems;
  } finally {
    parser.dispose();
  }
}

const NAMES: Record<PortFramework, string> = { keras: 'Keras', gluon: 'Gluon', torch: 'PyTorch' };

/** The summary on stderr: what was ported, what the check found. */
export function portReport(r: PortResult, file: string, to: PortFramework, output?: string): string {
  const lines: string[] = [];
  if (r.code === undefined) {
    lines.push(`error: cannot port ${printable(file)}${r.modelName ? ` (model ${r.modelName})` : ''}: ${r.problems[0] ?? 'unknown reason'}`);
    return `${lines.join('\n')}\n`;
  }
  const c = r.check;
  const head = `${r.graph?.symbolic ? 'MXNet symbol' : r.source ? NAMES[r.source] : '?'} model ${r.modelName} → ${NAMES[to]}${output ? ` (written to ${printable(output)})` : ''}`;
  lines.push(r.problems.length ? `port: ${head}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}` : `port: ${head}`);
  if (c) {
    const total = c.targetTotal === null ? '?' : c.targetTotal.toLocaleString('en-US');
    const source = c.sourceTotal === null ? '?' : c.sourceTotal.toLocaleString('en-US');
    lines.push(`  checked by shapelint: ${c.layersCompared} layers compared, output ${c.outputShape ? `(${c.outputShape.join(', ')})` : '?'}, ${total} parameters (source ${source})`);
  }
  for (const p of r.problems) lines.push(`  - ${p}`);
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}
