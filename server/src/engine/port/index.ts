/**
 * `shapelint port`: translates a model between Keras, Gluon and PyTorch. The source's model
 * summary (per-layer shapes, inferred input sizes, arguments) becomes a neutral graph
 * (`read.ts`), a writer turns it into idiomatic code for the target, and the result is analysed
 * again by the engine (`verify.ts`) before anyone sees it.
 */
import { analyzeText } from '../index';
import { LineIndex } from '../positions';
import type { PythonParser } from '../syntax/tree';
import type { AnalyzeOptions, ModelSummary } from '../types';
import type { Layout, PortFramework, PortGraph } from './ir';
import { makePlan, withTargetLimits } from './plan';
import { readModel } from './read';
import { verifyPort, type PortCheck } from './verify';
import { writeGluon } from './write-gluon';
import { writeKeras } from './write-keras';
import { writeTorch } from './write-torch';
import { weightLoader, weightsRefusal } from './weights';
import { pep8Lines } from './pep8';
import { portLibraryModel } from './library';
import { portBackboneModel } from './backbone';

export type { PortFramework } from './ir';

export interface PortRequest {
  /** Which model (its name in the summary); absent: the only or the last model. */
  model?: string;
  to: PortFramework;
  withWeights?: boolean;
}

export interface PortResult {
  /** The generated program; absent when nothing could be generated. */
  code?: string;
  source?: PortFramework;
  modelName?: string;
  /** Why the port is incomplete or failed, one line each. Empty: a complete, checked port. */
  problems: string[];
  /** Layers written as stubs. */
  stubs: number;
  /** Differences the port keeps on purpose (a library model's other parameter count), one line each. */
  notes?: string[];
  check?: PortCheck;
  graph?: PortGraph;
  /** Where the port's input and output keep their channels (the source's are channels-last in the graph). */
  layouts?: { input: Layout; output: Layout };
}

export function portText(parser: PythonParser, text: string, options: AnalyzeOptions, req: PortRequest): PortResult {
  // The engine never throws: a bug in a reader or writer is a problem of this port, reported.
  try {
    return portUnsafe(parser, text, options, req);
  } catch (e) {
    return { problems: [`internal error while porting: ${(e as Error)?.message ?? e}`], stubs: 0 };
  }
}

function portUnsafe(parser: PythonParser, text: string, options: AnalyzeOptions, req: PortRequest): PortResult {
  const analysis = analyzeText(parser, text, { ...options, recordOps: true });
  if (analysis.internalError) return { problems: [`internal error: ${analysis.internalError.split('\n')[0]}`], stubs: 0 };
  const picked = pickModel(analysis.models, req.model);
  if (typeof picked === 'string') return { problems: [picked], stubs: 0 };
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    return { problems: [`the source model does not run: ${errors[0].message.split('\n')[0]} (see \`shapelint check\`); fix it first`], stubs: 0, modelName: picked.name };
  }
  // A library model ports to the target library's constructor (its layers are the library's own;
  // the analysis that records functional ops does not list them, so the plain one tells).
  const library = picked.library || picked.layers.length === 0 ? analyzeText(parser, text, options).models.find((m) => m.name === picked.name && m.library) : undefined;
  if (library) return portLibraryModel(parser, text, library, options, req.to, req.withWeights === true);
  // A user's model on a library backbone: the target library's backbone and the ported head.
  if (picked.backbones?.length) return portBackboneModel(parser, text, picked, options, req, portGraph);
  const index = new LineIndex(text);
  const graph = readModel(picked, (offset) => index.lineOf(offset) + 1, (start, end) => text.slice(start, end));
  if (typeof graph === 'string') return { problems: [graph], stubs: 0, modelName: picked.name };
  const refusal = req.withWeights ? weightsRefusal(graph) : null;
  if (refusal) return { problems: [refusal], stubs: 0, modelName: picked.name };
  return portGraph(parser, graph, req);
}

/** Writes and checks a graph for the request's target. */
export function portGraph(parser: PythonParser, graph: PortGraph, req: PortRequest): PortResult {
  const limited = withTargetLimits(graph, req.to);
  const plan = makePlan(limited, req.to !== 'keras');
  const weights = req.withWeights ? weightLoader(plan, req.to) : null;
  const raw = req.to === 'torch' ? writeTorch(plan, weights) : req.to === 'gluon' ? writeGluon(plan, weights) : writeKeras(plan, weights);
  const written = { ...raw, code: pep8Lines(raw.code) };
  const check = verifyPort(parser, plan, req.to, written);
  // The plan's graph: stubs of the source, and layers the target has no equivalent for.
  const stubs = plan.graph.nodes.filter((n) => n.op.kind === 'stub');
  const problems = [
    ...stubs.map((n) => `not ported: ${n.type} '${n.name}' (line ${n.line}): ${n.op.kind === 'stub' ? n.op.reason : ''}; a marked stub stands in its place`),
    ...check.problems,
  ];
  return {
    code: written.code, source: graph.source, modelName: graph.modelName, problems, stubs: stubs.length, check, graph,
    layouts: { input: plan.layout[0], output: plan.layout[graph.output] },
  };
}

function pickModel(models: ModelSummary[], name: string | undefined): ModelSummary | string {
  // A model some code ran on a known input before one only probed (the library model whose
  // `features` a user's model took is probed too).
  const ran = models.filter((m) => m.inputShapes.length > 0 && m.inputShapes.every((s) => s && !s.open));
  const usable = ran.length ? ran : models;
  if (name) {
    const found = models.find((m) => m.name === name);
    return found ?? `no model named ${name} (found: ${models.map((m) => m.name).join(', ') || 'none'})`;
  }
  if (usable.length === 0) return 'no model with a known input shape found (give one with a `# shapelint: input=(N, ...)` directive)';
  return usable[usable.length - 1];
}
