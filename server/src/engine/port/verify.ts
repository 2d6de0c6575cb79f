/**
 * The check every port passes before it is shown: the generated program is parsed and analysed
 * by the engine like any user file. It must raise no diagnostic, each generated layer must have
 * the source layer's shape (in the target's layout) and the parameter count that layer has in
 * the target, and the model's output shape and total must match.
 */
import { analyzeText } from '../index';
import type { PythonParser } from '../syntax/tree';
import type { Dim, LayerApplication, ModelSummary } from '../types';
import { rnnWidth, shapeText, type PortFramework } from './ir';
import { batchAxis, paramsIn, targetShape, timeFirst, totalIn, type Plan } from './plan';
import type { Written } from './write-common';

export interface PortCheck {
  problems: string[];
  /** Layers compared one by one, and the totals. */
  layersCompared: number;
  sourceTotal: number | null;
  targetTotal: number | null;
  outputShape: Dim[] | null;
}

export function verifyPort(parser: PythonParser, plan: Plan, target: PortFramework, written: Written): PortCheck {
  const problems: string[] = [];
  const r = analyzeText(parser, written.code, {});
  const check: PortCheck = { problems, layersCompared: 0, sourceTotal: plan.graph.totalParams, targetTotal: null, outputShape: null };
  if (r.internalError) {
    problems.push(`internal error re-analysing the port: ${r.internalError.split('\n')[0]}`);
    return check;
  }
  for (const d of r.diagnostics) if (d.severity !== 'info') problems.push(`the port raises ${d.code} ${d.rule}: ${d.message.split('\n')[0]}`);
  const model = r.models.find((m) => m.framework === (target === 'torch' ? 'torch' : target));
  if (!model) {
    problems.push('shapelint found no model in the generated code');
    return check;
  }
  check.targetTotal = model.totalParams;
  const hasStub = plan.graph.nodes.some((n) => n.op.kind === 'stub');
  compareLayers(plan, target, written, model, problems, check, hasStub);
  const expectTotal = totalIn(plan.graph, target);
  if (!hasStub && model.totalParams !== expectTotal) problems.push(`the port has ${model.totalParams ?? '?'} parameters, expected ${expectTotal}`);
  const y = [...r.tensors].reverse().find((t) => t.name === 'y' && !t.use);
  check.outputShape = y ? y.shape.dims : null;
  const want = targetShape(plan, plan.graph.output);
  if (!hasStub && !sameDims(check.outputShape, want, batchAxis(plan))) problems.push(`the port's output is ${shapeText(check.outputShape)}, the source's ${shapeText(want)}`);
  checkSourceCounts(plan, problems);
  return check;
}

function compareLayers(plan: Plan, target: PortFramework, written: Written, model: ModelSummary, problems: string[], check: PortCheck, hasStub: boolean): void {
  const expected = written.applied;
  const apps: LayerApplication[] = model.layers;
  if (apps.length !== expected.length && !hasStub) {
    problems.push(`the port applies ${apps.length} layers, expected ${expected.length}`);
    return;
  }
  // Helper layers (-1: a ZeroPadding, a stacked recurrent layer) count towards the node they lead to.
  let helperParams: number | null = 0;
  for (let i = 0; i < Math.min(apps.length, expected.length); i++) {
    const app = apps[i];
    // A layer applied again (the explicit GRU cell's recurrent layers, once per step) shares its weights.
    const own = app.reused ? 0 : app.params;
    if (expected[i] < 0) {
      helperParams = helperParams === null || own === null ? null : helperParams + own;
      continue;
    }
    const n = plan.graph.nodes[expected[i]];
    const params = helperParams === null || own === null ? null : helperParams + own;
    helperParams = 0;
    // After a stub (whose output the engine cannot know) a layer may be unknown too; that is the stub's doing.
    if (n.op.kind === 'stub' || (hasStub && (params === null || !app.outputShape || app.outputShape.open))) continue;
    const want = paramsIn(n.op, target);
    if (params !== want) problems.push(`${n.type} '${n.name}': ${params ?? '?'} parameters in the port, expected ${want}`);
    const got = app.outputShape && !app.outputShape.open ? app.outputShape.dims : null;
    const shape = moduleShape(plan, n.id, target);
    if (!sameDims(got, shape, batchAxis(plan))) problems.push(`${n.type} '${n.name}': shape ${shapeText(got)} in the port, ${shapeText(shape)} expected`);
    check.layersCompared++;
  }
}

/**
 * The output a node's layer object gives: a PyTorch or Gluon recurrent module returns every step
 * of both directions (forward code then picks and merges); the explicit reset-before GRU's last
 * layer is its recurrent matmul of the last step, (batch, units).
 */
function moduleShape(plan: Plan, id: number, target: PortFramework): Dim[] | null {
  const n = plan.graph.nodes[id];
  const input = plan.graph.nodes[n.inputs[0]]?.shape;
  if (n.op.kind !== 'rnn' || target === 'keras') return targetShape(plan, id);
  if (n.op.resetBefore) return input ? [input[0], n.op.units] : null;
  const all = input && input.length === 3 ? [input[0], input[1], rnnWidth(n.op)] : null;
  return all && plan.timeMajor ? timeFirst(all) : all;
}

/** The graph's own arithmetic must give the source's counts: a misread argument shows here. */
function checkSourceCounts(plan: Plan, problems: string[]): void {
  for (const n of plan.graph.nodes) {
    if (n.op.kind === 'stub' || n.params === null || n.op.kind === 'input') continue;
    const mine = paramsIn(n.op, plan.graph.source);
    // PyTorch and the symbol API count BatchNorm's moving statistics apart from its parameters.
    if (mine !== n.params && !((plan.graph.source === 'torch' || plan.graph.symbolic) && n.op.kind === 'bn')) {
      problems.push(`${n.type} '${n.name}': read as ${mine} parameters, the source has ${n.params}`);
    }
  }
}

/** Equal dims but the batch (a symbol in the source, a number in the demo; axis 1 of time-major tensors). */
export function sameDims(a: readonly Dim[] | null, b: readonly Dim[] | null, batch = 0): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((d, i) => i === batch || d === b[i]);
}
