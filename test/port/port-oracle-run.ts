/**
 * Runs ports in the real frameworks (test/port/port_oracle.py, one Python process per batch) and
 * judges each outcome: the port's output shape (after layout), its parameter count as shapelint
 * expects it in the target, and with the source's weights loaded its outputs.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { portText, type PortResult } from '../../server/src/engine/port/index';
import { totalIn } from '../../server/src/engine/port/plan';
import type { PythonParser } from '../../server/src/engine/syntax/tree';
import { KERAS_PYTHON, REPO_ROOT } from '../oracle/keras-oracle-run';
import type { GeneratedModel } from './generate-models';
import { runOracle } from '../oracle/oracle-cache';

export const TOLERANCE = 1e-4;

export interface OracleOutcome {
  id: number;
  sourceShape?: number[];
  portShape?: number[];
  sourceParams?: number;
  portParams?: number;
  maxDiff?: number | null;
  error?: string;
  trace?: string;
}

export function runPortOracle(cases: object[]): OracleOutcome[] {
  const script = path.join(REPO_ROOT, 'test', 'port', 'port_oracle.py');
  const res = runOracle(KERAS_PYTHON, [script], {
    input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000,
    env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  assert.equal(res.status, 0, `port oracle failed: ${res.stderr?.slice(-2000)}`);
  return (JSON.parse(res.stdout) as { results: OracleOutcome[] }).results;
}

/** The channels-first version of a channels-last shape (or the reverse), as the port lays it out. */
function moved(shape: number[], toFirst: boolean): number[] {
  if (shape.length < 3) return shape;
  return toFirst ? [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)] : [shape[0], ...shape.slice(2), shape[1]];
}

/** A PyTorch source whose output is a feature map: channels first, where the Keras port's is last. */
export function sourceChannelsFirstOutput(port: PortResult): boolean {
  const g = port.graph!;
  return g.outputLayout === 'cf' && (g.nodes[g.output].shape?.length ?? 0) >= 3;
}

/** Why an oracle outcome fails the port, or null. */
export function verdict(o: OracleOutcome, port: PortResult, direction: string): string | null {
  if (o.error) return `${o.error}\n${o.trace ?? ''}`;
  const target = direction === 'keras->torch' ? 'torch' : 'keras';
  const graph = port.graph!;
  // The port's own layout: channels-first PyTorch output of a channels-last Keras model, and the reverse.
  const want = direction === 'keras->torch' && port.layouts!.output === 'cf' ? moved(o.sourceShape!, true)
    : direction === 'torch->keras' && sourceChannelsFirstOutput(port) ? moved(o.sourceShape!, false) : o.sourceShape!;
  if (JSON.stringify(want) !== JSON.stringify(o.portShape)) return `output ${JSON.stringify(o.portShape)}, source ${JSON.stringify(o.sourceShape)}`;
  if (o.portParams !== totalIn(graph, target)) return `the real port has ${o.portParams} parameters, shapelint expected ${totalIn(graph, target)}`;
  if (o.sourceParams !== totalIn(graph, graph.source)) return `the real source has ${o.sourceParams} parameters, shapelint read ${totalIn(graph, graph.source)}`;
  if (o.maxDiff === null || o.maxDiff === undefined || !(o.maxDiff <= TOLERANCE)) return `outputs differ by ${o.maxDiff}`;
  return null;
}

export interface Ported { model: GeneratedModel; port: PortResult }

/** Ports each model with weights (and to Gluon, which the engine checks). `gluonGaps`: the stubs a Gluon port may have (layers Gluon 1.x has no block for); any other problem fails. */
export function portAll(models: GeneratedModel[], to: 'torch' | 'keras', parser: PythonParser, gluonGaps?: RegExp): { ported: Ported[]; failures: string[] } {
  const ported: Ported[] = [];
  const failures: string[] = [];
  for (const model of models) {
    const port = portText(parser, model.source, {}, { to, withWeights: true });
    if (port.problems.length || !port.code) failures.push(`#${model.id}: ${port.problems.join('; ')}\n${model.source}`);
    else ported.push({ model, port });
    const gluon = portText(parser, model.source, {}, { to: 'gluon' });
    const unexpected = gluon.problems.filter((p) => !gluonGaps?.test(p));
    if (unexpected.length) failures.push(`#${model.id} to Gluon: ${gluon.problems.join('; ')}\n${model.source}\n${gluon.code}`);
  }
  return { ported, failures };
}

/**
 * Runs sources and ports in the oracle and lists the failures. `randomStats`: the source's
 * normalisation layers get random scales, offsets and running statistics before they are saved
 * (a fresh layer's 1s and 0s would hide a statistic loaded into the wrong place).
 */
export function compare(direction: 'keras->torch' | 'torch->keras', ported: Ported[], randomStats = false): string[] {
  const cases = ported.map(({ model, port }) => ({
    id: model.id, direction, source: model.source, port: port.code, className: 'Net', weights: true,
    inputShape: model.inputShape, intHigh: model.intHigh, randomStats,
    channelsFirstInput: direction === 'keras->torch' ? port.layouts!.input === 'cf' : port.graph!.inputLayout === 'cf' && model.inputShape.length >= 3,
    channelsFirstOutput: direction === 'keras->torch' ? port.layouts!.output === 'cf' : sourceChannelsFirstOutput(port),
  }));
  const results = runPortOracle(cases);
  const failures: string[] = [];
  for (const [i, o] of results.entries()) {
    const { model, port } = ported[i];
    const why = verdict(o, port, direction);
    if (why) failures.push(`#${model.id}: ${why}\n${model.source}\n--- port ---\n${port.code}`);
  }
  return failures;
}
