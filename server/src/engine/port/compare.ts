/**
 * `shapelint port --compare A B`: aligns two models layer by layer (in the neutral graph, so
 * layouts are already accounted for) and lists where B diverges from A: the layout B reads its
 * data in, padding, activations, shapes and parameter counts. The founding port is the example:
 * NHWC data fed to an NCHW model, no 'same' padding, Dense(2, activation='relu') for softmax.
 */
import { analyzeText } from '../index';
import { LineIndex } from '../positions';
import type { PythonParser } from '../syntax/tree';
import type { AnalyzeOptions, Dim, ModelSummary } from '../types';
import { shapeText, toChannelsFirst, type PortGraph, type PortNode } from './ir';
import { readModel } from './read';

export interface CompareInput {
  text: string;
  options: AnalyzeOptions;
  model?: string;
  /** How the model is named in messages (`a.py::model`). */
  label: string;
}

export interface CompareResult {
  /** One line per divergence; empty when the models agree. */
  divergences: string[];
  /** Why a model could not be read (then there is nothing to compare). */
  error?: string;
  aligned: number;
}

const FRAMEWORK: Record<string, string> = { keras: 'Keras', gluon: 'Gluon', torch: 'PyTorch' };

export function compareModels(parser: PythonParser, a: CompareInput, b: CompareInput): CompareResult {
  try {
    return compareUnsafe(parser, a, b);
  } catch (e) {
    return { divergences: [], error: `internal error while comparing: ${(e as Error)?.message ?? e}`, aligned: 0 };
  }
}

function compareUnsafe(parser: PythonParser, a: CompareInput, b: CompareInput): CompareResult {
  const ga = graphOf(parser, a);
  const gb = graphOf(parser, b);
  if (typeof ga === 'string') return { divergences: [], error: `${a.label}: ${ga}`, aligned: 0 };
  if (typeof gb === 'string') return { divergences: [], error: `${b.label}: ${gb}`, aligned: 0 };
  const out: string[] = [...compareInputs(ga, gb, a.label, b.label)];
  const sa = steps(ga);
  const sb = steps(gb);
  let aligned = 0;
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i];
    const y = sb[i];
    if (!x || !y) {
      out.push(`${a.label} has ${sa.length} layers, ${b.label} ${sb.length}: ${x ? `${describe(x.node)} has no counterpart` : `${describe(y!.node)} is extra`}`);
      break;
    }
    if (x.kind !== y.kind) {
      out.push(`layer ${i + 1}: ${describe(x.node)} in ${a.label}, ${describe(y.node)} in ${b.label}; the models stop lining up here`);
      break;
    }
    aligned++;
    out.push(...compareStep(i + 1, x, y, a.label, b.label));
  }
  return { divergences: out, aligned };
}

function graphOf(parser: PythonParser, input: CompareInput): PortGraph | string {
  const r = analyzeText(parser, input.text, { ...input.options, recordOps: true });
  const models = r.models.filter((m) => m.framework !== 'mxsym');
  const m: ModelSummary | undefined = input.model ? models.find((x) => x.name === input.model) : models[models.length - 1];
  if (!m) return input.model ? `no model named ${input.model}` : 'no model with a known input shape';
  const index = new LineIndex(input.text);
  return readModel(m, (offset) => index.lineOf(offset) + 1, (start, end) => input.text.slice(start, end));
}

/** A layer with its activations (a Keras `activation=` and a separate ReLU line up the same). */
interface Step {
  node: PortNode;
  kind: string;
  acts: string[];
}

function kindOf(n: PortNode): string {
  if (n.op.kind !== 'stub') return n.op.kind;
  const t = n.type.toLowerCase();
  return /conv/.test(t) ? 'conv' : /dense|linear/.test(t) ? 'dense' : /global/.test(t) ? 'gpool' : /pool/.test(t) ? 'pool' : /flatten/.test(t) ? 'flatten' : /batchnorm/.test(t) ? 'bn' : 'stub';
}

function steps(g: PortGraph): Step[] {
  const out: Step[] = [];
  for (const n of g.nodes.slice(1)) {
    if (n.op.kind === 'act') {
      if (out.length) out[out.length - 1].acts.push(n.op.fn);
      continue;
    }
    if (n.op.kind === 'dropout' || n.op.kind === 'relayout') continue;
    // A port may crop a transposed convolution's output in a second step: one layer, as in the source.
    const prev = out[out.length - 1];
    if (n.op.kind === 'crop' && prev?.kind === 'convT' && n.inputs[0] === prev.node.id) {
      prev.node = { ...prev.node, shape: n.shape };
      continue;
    }
    out.push({ node: n, kind: kindOf(n), acts: [] });
  }
  return out;
}

function describe(n: PortNode): string {
  return n.type.includes('.') ? `${n.name}() (line ${n.line})` : `${n.type} '${n.name}' (line ${n.line})`;
}

/** The data each model is fed, and the layout each reads it in. */
function compareInputs(ga: PortGraph, gb: PortGraph, la: string, lb: string): string[] {
  const a = ga.nodes[0].shape;
  const b = gb.nodes[0].shape;
  if (!a || !b || sameAfterBatch(a, b)) return [];
  const fedB = gb.inputLayout === 'cf' ? toChannelsFirst(b) : b;
  const fedA = ga.inputLayout === 'cf' ? toChannelsFirst(a) : a;
  if (sameAfterBatch(fedA, fedB) && ga.inputLayout !== gb.inputLayout && a.length >= 3) {
    const axes = gb.inputLayout === 'cf' ? [0, a.length - 1, ...range(1, a.length - 1)] : [0, ...range(2, a.length), 1];
    return [
      `input: both are fed ${shapeText(fedA)}; ${la} (${FRAMEWORK[ga.source]}) reads it ${words(ga.inputLayout)} as ${axisWords(a)}, ` +
        `${lb} (${FRAMEWORK[gb.source]}) ${words(gb.inputLayout)} as ${axisWords(b)}; transpose ${lb}'s input once: .transpose(${axes.join(', ')})`,
    ];
  }
  return [`input: ${la} reads ${shapeText(a)}, ${lb} ${shapeText(b)} (both channels last)`];
}

/** `H=80, W=120, C=3` for a channels-last shape. */
function axisWords(s: readonly Dim[]): string {
  const names = s.length === 3 ? ['T'] : s.length === 4 ? ['H', 'W'] : ['D', 'H', 'W'];
  const parts = s.slice(1, -1).map((d, k) => `${names[k] ?? `S${k}`}=${d ?? '?'}`);
  return [...parts, `C=${s[s.length - 1] ?? '?'}`].join(', ');
}

function words(l: 'cl' | 'cf'): string {
  return l === 'cl' ? 'channels last' : 'channels first';
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

function sameAfterBatch(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => i === 0 || d === b[i]);
}

function compareStep(i: number, x: Step, y: Step, la: string, lb: string): string[] {
  const out: string[] = [];
  const at = `layer ${i}, ${describe(x.node)} / ${describe(y.node)}`;
  const opA = x.node.op;
  const opB = y.node.op;
  if ((opA.kind === 'conv' || opA.kind === 'pool') && opA.kind === opB.kind) {
    const pb = JSON.stringify([opB.padBefore, opB.padAfter]);
    if (JSON.stringify([opA.padBefore, opA.padAfter]) !== pb) {
      out.push(`${at}: padding: ${la} pads ${pads(opA.padBefore, opA.padAfter)}${x.node.type.startsWith('Conv') && opA.padBefore.some((p) => p > 0) ? " ('same')" : ''}, ${lb} pads ${pads(opB.padBefore, opB.padAfter)}`);
    }
    if (JSON.stringify(opA.kernel) !== JSON.stringify(opB.kernel) || JSON.stringify(opA.strides) !== JSON.stringify(opB.strides)) {
      out.push(`${at}: window: ${la} ${shapeText(opA.kernel)} stride ${shapeText(opA.strides)}, ${lb} ${shapeText(opB.kernel)} stride ${shapeText(opB.strides)}`);
    }
  }
  if (opA.kind === 'conv' && opB.kind === 'conv') {
    if (opA.filters !== opB.filters) out.push(`${at}: ${la} makes ${opA.filters} channels, ${lb} ${opB.filters}`);
    if (opA.inChannels !== opB.inChannels) out.push(`${at}: ${la} reads ${opA.inChannels} input channels, ${lb} ${opB.inChannels}`);
  }
  if (opA.kind === 'dense' && opB.kind === 'dense' && opA.units !== opB.units) out.push(`${at}: ${la} has ${opA.units} units, ${lb} ${opB.units}`);
  if (JSON.stringify(x.acts) !== JSON.stringify(y.acts)) {
    const act = (s: string[]) => (s.length ? s.join(' then ') : 'none');
    const why = x.acts.includes('softmax') && !y.acts.includes('softmax') ? ' (a softmax in the model; without it, apply it in the loss or after the output)' : '';
    out.push(`${at}: activation: ${la} ${act(x.acts)}, ${lb} ${act(y.acts)}${why}`);
  }
  const sa = x.node.shape;
  const sb = y.node.shape;
  if (sa && sb && sa.length === sb.length && !sa.every((d, k) => k === 0 || d === null || sb[k] === null || d === sb[k])) {
    out.push(`${at}: output ${shapeText(sa)} in ${la}, ${shapeText(sb)} in ${lb} (channels last)`);
  }
  if (x.node.params !== null && y.node.params !== null && x.node.params !== y.node.params) {
    out.push(`${at}: ${x.node.params.toLocaleString('en-US')} parameters in ${la}, ${y.node.params.toLocaleString('en-US')} in ${lb}`);
  }
  return out;
}

function pads(before: number[], after: number[]): string {
  return before.every((b, k) => b === after[k]) ? shapeText(before) : `${shapeText(before)} before, ${shapeText(after)} after`;
}
