/**
 * Shared by the port oracle tests: small source builders, and `oracleFailures`, which ports
 * sources with weights, runs source and port in the real frameworks and lists what differs
 * (also that the Gluon port, which the engine checks, is complete or has its one expected stub).
 */
import { portText, type PortResult } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { runPortOracle, sourceChannelsFirstOutput, verdict } from './port-oracle-run';

/** Name, source, input shape with batch 2, and 'stub' when the Gluon port must be a marked stub. */
export type Source = [string, string, number[], ('stub' | undefined)?];

export const keras = (...lines: string[]) => ['import keras', 'from keras import layers', '', ...lines, ''].join('\n');
export const sequential = (input: string, ...layerLines: string[]) => keras('model = keras.Sequential([', `    keras.Input(${input}),`, ...layerLines.map((l) => `    ${l},`), '])');

/** A PyTorch module `Net` with these `__init__` and `forward` bodies, and `model` built and called. */
export const torchModel = (init: string[], forward: string[], input: string) => `import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
${init.map((l) => `        ${l}\n`).join('')}
    def forward(self, x):
${forward.map((l) => `        ${l}\n`).join('')}

model = Net()
model(torch.randn(${input}))
`;

export interface Case { name: string; source: string; input: number[]; port: PortResult; gluon: PortResult; gluonStub: boolean }

export async function portAll(sources: Source[], to: 'torch' | 'keras'): Promise<Case[]> {
  const parser = await loadParser('wasm');
  try {
    return sources.map(([name, source, input, gluon]) => ({
      name, source, input, gluonStub: gluon === 'stub',
      port: portText(parser, source, {}, { to, withWeights: true }),
      gluon: portText(parser, source, {}, { to: 'gluon' }),
    }));
  } finally {
    parser.dispose();
  }
}

/** Ports every source, runs source and port in the oracle, and lists what failed. */
export async function oracleFailures(sources: Source[], direction: 'keras->torch' | 'torch->keras'): Promise<string[]> {
  const cases = await portAll(sources, direction === 'keras->torch' ? 'torch' : 'keras');
  const failures: string[] = [];
  for (const c of cases) {
    if (c.port.problems.length || !c.port.code) failures.push(`${c.name}: ${c.port.problems.join('; ')}\n${c.port.code}`);
    const gluonOk = c.gluonStub ? c.gluon.stubs === 1 && /^not ported: /.test(c.gluon.problems[0] ?? '') : c.gluon.problems.length === 0;
    if (!gluonOk) failures.push(`${c.name} to Gluon: ${c.gluon.problems.join('; ')}\n${c.gluon.code}`);
  }
  const runnable = cases.filter((c) => c.port.code && !c.port.problems.length);
  const intInput = (c: Case) => (/Embedding\((\d+)/.exec(c.source) ? Number(/Embedding\((\d+)/.exec(c.source)![1]) : undefined);
  const outcomes = runPortOracle(runnable.map((c, id) => ({
    id, direction, source: c.source, port: c.port.code, className: 'Net', weights: true, inputShape: c.input, intHigh: intInput(c),
    channelsFirstInput: direction === 'keras->torch' ? c.port.layouts!.input === 'cf' : c.port.graph!.inputLayout === 'cf' && c.input.length >= 3,
    channelsFirstOutput: direction === 'keras->torch' ? c.port.layouts!.output === 'cf' : sourceChannelsFirstOutput(c.port),
    // A time-major source's Keras port reads the data with time and batch swapped (its comment says so).
    timeMajor: direction === 'torch->keras' && c.port.graph!.timeMajor === true,
  })));
  outcomes.forEach((o, i) => {
    const why = verdict(o, runnable[i].port, direction);
    if (why) failures.push(`${runnable[i].name}: ${why}\n${runnable[i].source}\n--- port ---\n${runnable[i].port.code}`);
  });
  return failures;
}

