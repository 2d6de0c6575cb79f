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
import { loadParser, type BackendChoice } from '../host/parser';
import { portText, type PortFramework, type PortResult } from '../engine/port/index';
import { cliWarn, readItems } from './check';
import { printable } from './report';
import { EXIT, UsageError, type CliIo } from './io';

export interface PortOptions {
  file: string;
  to: string;
  model?: string;
  output?: string;
  withWeights: boolean;
  configFile?: string;
  overrides?: ConfigValues;
  isolated: boolean;
  backend: BackendChoice;
}

const TARGETS: Record<string, PortFramework> = { keras: 'keras', gluon: 'gluon', mxnet: 'gluon', pytorch: 'torch', torch: 'torch' };

export function portTarget(to: string): PortFramework {
  const t = TARGETS[to.toLowerCase()];
  if (!t) throw new UsageError(`invalid --to \`${to}\`: expected keras, gluon or pytorch`);
  return t;
}

export async function runPort(o: PortOptions, io: CliIo): Promise<number> {
  const to = portTarget(o.to);
  const abs = path.resolve(io.cwd, o.file);
  const resolver = new ConfigResolver({ cwd: io.cwd, configFile: o.configFile, overrides: o.overrides, isolated: o.isolated, home: io.env.HOME, warn: cliWarn(io) });
  const { items, readFailed } = readItems([abs], resolver, io, { fix: false, diff: false, addNoqa: false, overrides: o.overrides });
  if (readFailed || items.length === 0) return EXIT.error;
  const parser = await loadParser(o.backend);
  let result: PortResult;
  try {
    result = portText(parser, items[0].text, engineOptions(items[0].settings), { model: o.model, to, withWeights: o.withWeights });
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

const NAMES: Record<PortFramework, string> = { keras: 'Keras', gluon: 'Gluon', torch: 'PyTorch' };

/** The summary on stderr: what was ported, what the check found. */
export function portReport(r: PortResult, file: string, to: PortFramework, output?: string): string {
  const lines: string[] = [];
  if (r.code === undefined) {
    lines.push(`error: cannot port ${printable(file)}${r.modelName ? ` (model ${r.modelName})` : ''}: ${r.problems[0] ?? 'unknown reason'}`);
    return `${lines.join('\n')}\n`;
  }
  const c = r.check;
  const head = `${r.source ? NAMES[r.source] : '?'} model ${r.modelName} → ${NAMES[to]}${output ? ` (written to ${printable(output)})` : ''}`;
  lines.push(r.problems.length ? `port: ${head}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}` : `port: ${head}`);
  if (c) {
    const total = c.targetTotal === null ? '?' : c.targetTotal.toLocaleString('en-US');
    const source = c.sourceTotal === null ? '?' : c.sourceTotal.toLocaleString('en-US');
    lines.push(`  checked by shapelint: ${c.layersCompared} layers compared, output ${c.outputShape ? `(${c.outputShape.join(', ')})` : '?'}, ${total} parameters (source ${source})`);
  }
  for (const p of r.problems) lines.push(`  - ${p}`);
  return `${lines.join('\n')}\n`;
}
