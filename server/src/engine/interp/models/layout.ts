/**
 * The layout re-run. If moving the input's channel axis makes every error of a run disappear,
 * the real problem is the layout: the first diagnostic becomes `layout-mismatch`, keeping the
 * framework's own message, with fixes (transpose the input, or Keras `data_format`).
 */
import { ruleByName } from '../../rules/index';
import { formatShape, ranked } from '../../shapes';
import type { Diagnostic, TextEdit } from '../../types';
import { BudgetExceeded } from '../../budget';
import { argEdit } from '../fixes';
import type { LayerValue, ObjectValue, TensorVal } from '../values';
import type { ModelContext } from './context';
import type { Run } from './runs';

export function checkLayout(ctx: ModelContext, run: Run, obj: ObjectValue): void {
  const input = run.input;
  const env = ctx.runs.env('', run);
  const flip = layoutFlip(obj, input, { effective: env.kerasDataFormat, source: env.kerasDataFormatSource });
  if (!flip) return;
  const rerun = ctx.runs.newRun(obj, true);
  rerun.hybridized = run.hybridized;
  rerun.kerasFormat = flip.kerasFormat;
  rerun.kerasFormatSource = 'shapelint layout check';
  try {
    ctx.runs.within(rerun, () => ctx.runs.runObject(obj, { positional: flip.input ? [flip.input] : [], keywords: new Map(), opaque: false }));
  } catch (e) {
    if (e instanceof BudgetExceeded) throw e;
    return;
  }
  if (rerun.issues > 0) return;
  const first = run.diagnostics[0];
  const rule = ruleByName('layout-mismatch');
  const fixes = [...first.fixes];
  if (flip.transposeFix && run.inputArgRange) {
    const argText = ctx.host.sourceText(run.inputArgRange.start, run.inputArgRange.end);
    fixes.unshift({
      title: `Transpose the input to ${flip.to} (${flip.transposeFix.describe})`,
      applicability: 'unsafe',
      edits: [{ range: run.inputArgRange, newText: flip.transposeFix.wrap(argText) }],
    });
  }
  const formatFix = flip.kerasFormat ? dataFormatFix(ctx, run, flip.kerasFormat) : null;
  if (formatFix) fixes.unshift(formatFix);
  run.diagnostics[0] = {
    ...first,
    code: rule.code,
    rule: rule.name,
    explanation: [...flip.explain, ...first.explanation],
    fixes,
  };
}

/**
 * Keras: give every layer of the run that reads the layout an explicit `data_format`, which is
 * exactly what the clean re-run assumed. Null when any of them cannot be edited.
 */
function dataFormatFix(ctx: ModelContext, run: Run, format: string): Diagnostic['fixes'][number] | null {
  const layers = new Map<number, LayerValue>();
  for (const id of run.apps) {
    const layer = ctx.layers.appliedLayer(ctx.runs.apps.get(id)!.layerId);
    if (layer && layer.def.params.some((p) => p.name === 'data_format') && !layer.args.explicit('data_format')) layers.set(layer.id, layer);
  }
  const edits = [...layers.values()].map((l) => argEdit(l, 'data_format', `'${format}'`, (a, b) => ctx.host.sourceText(a, b)));
  if (edits.length === 0 || edits.some((e) => !e)) return null;
  return {
    title: `Set data_format='${format}' on the ${edits.length} layers that read the layout`,
    applicability: 'unsafe',
    edits: edits as TextEdit[],
  };
}

interface LayoutFlip {
  input: TensorVal | null;
  kerasFormat?: 'channels_last' | 'channels_first';
  to: string;
  explain: string[];
  transposeFix: { wrap(arg: string): string; describe: string } | null;
}

/** How to move the channel axis for the layout re-run, or null when it does not apply. */
function layoutFlip(obj: ObjectValue, input: TensorVal | null, keras: { effective: string; source: string }): LayoutFlip | null {
  if (!input || !input.shape || input.shape.open) return null;
  const dims = input.shape.dims;
  const rank = dims.length;
  if (rank < 3 || rank > 5) return null;
  if (obj.framework === 'keras') {
    const target = keras.effective === 'channels_first' ? 'channels_last' : 'channels_first';
    const names = keras.effective === 'channels_first' ? ['C', 'H', 'W', 'D'] : ['H', 'W', 'D'];
    const spatial = dims.slice(1);
    const read =
      keras.effective === 'channels_first'
        ? spatial.map((d, i) => `${['C', 'H', 'W'][i] ?? 'D'}=${d ?? '?'}`).join(', ')
        : spatial.map((d, i) => `${i === spatial.length - 1 ? 'C' : names[i]}=${d ?? '?'}`).join(', ');
    return {
      input,
      kerasFormat: target,
      to: target,
      explain: [
        `layout: data_format is ${keras.effective} (${keras.source}), so the input ${formatShape(input.shape)} is read as ${read}.`,
        `With data_format=${target} the same input runs through this model without error.`,
      ],
      transposeFix: null,
    };
  }
  // Channels-first frameworks: the data may be channels-last. Move the last axis to 1.
  const perm = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  const moved = ranked(perm.map((p) => dims[p]));
  const names = rank === 4 ? ['N', 'C', 'H', 'W'] : rank === 3 ? ['N', 'C', 'W'] : ['N', 'C', 'D', 'H', 'W'];
  const read = names.map((n, i) => `${n}=${dims[i] ?? '?'}`).join(', ');
  const fw = obj.framework === 'gluon' ? 'Gluon' : 'PyTorch';
  const lastName = rank === 4 ? 'NHWC' : rank === 3 ? 'NWC' : 'NDHWC';
  const firstName = rank === 4 ? 'NCHW' : rank === 3 ? 'NCW' : 'NCDHW';
  const permText = perm.join(', ');
  const transposeFix =
    input.lib === 'torch'
      ? { wrap: (a: string) => `${wrapParen(a)}.permute(${permText})`, describe: `.permute(${permText})` }
      : input.lib === 'mxnet' || input.lib === 'numpy'
        ? { wrap: (a: string) => `${wrapParen(a)}.transpose((${permText}))`, describe: `.transpose((${permText}))` }
        : null;
  return {
    input: { ...input, shape: moved, hist: null },
    to: firstName,
    explain: [
      `layout: the input ${formatShape(input.shape)} looks channels-last (${lastName}), but ${fw} reads ${firstName}: ${read}.`,
      `With the channel axis moved, ${formatShape(moved)} runs through this model without error.`,
    ],
    transposeFix,
  };
}

function wrapParen(a: string): string {
  return /^[A-Za-z_][A-Za-z_0-9.]*$/.test(a) ? a : `(${a})`;
}
