/** Markdown for hovers and the model summary: what the engine inferred, in words users read. */
import { formatShape, summaryRows, type BackboneSummary, type Diagnostic, type LayerApplication, type ModelSummary, type RuleDoc, type Shape, type TensorFact } from '../engine/index';
import { headline, isTraceLine } from './convert';

export function layerMarkdown(layer: LayerApplication): string {
  const out = [`**${layer.type}** \`${layer.name}\` · ${layer.framework}${layer.reused ? ' · reused (shared parameters)' : ''}`, ''];
  const inputs = layer.inputShapes.map(formatShape).join(', ') || '?';
  out.push(`input: \`${inputs}\`  `);
  const axes = layer.axisNames ? ` — ${layer.axisNames.join(' ')}` : '';
  out.push(`output: \`${formatShape(layer.outputShape)}\`${axes}  `);
  if (layer.layout) out.push(`layout: \`${layer.layout}\`${layer.layoutSource ? ` (${layer.layoutSource})` : ''}  `);
  if (layer.params !== null) out.push(`params: ${formatCount(layer.params)}${trainableNote(layer)}`);
  if (layer.trace.length > 0) {
    out.push('', '```text', ...layer.trace.map((t) => `${t.axis}: ${t.formula}`), '```');
  }
  return out.join('\n');
}

function trainableNote(layer: LayerApplication): string {
  if (layer.trainableParams === null || layer.trainableParams === layer.params) return '';
  return ` (${formatCount(layer.trainableParams)} trainable)`;
}

/**
 * The error at the cursor: one readable sentence (what fails and why), the framework's message,
 * the shape trace as a compact table, then the rest of the explanation.
 */
export function errorMarkdown(d: Diagnostic): string {
  const head = headline(d);
  const out = [`**${escape(head ?? d.message.split('\n')[0])}** · ${d.code}`, '', ...d.message.split('\n').map((l) => `> ${escape(l)}  `)];
  const trace = d.explanation.filter(isTraceLine).map(traceRow);
  if (trace.length) out.push('', '| step | shape | where |', '| --- | --- | --- |', ...trace);
  const rest = d.explanation.filter((l) => !isTraceLine(l) && l !== head);
  if (rest.length) out.push('', ...rest.map((l) => `${escape(l)}  `));
  return out.join('\n');
}

/** `Conv2d (line 12): (8, 3, 32, 32) → (8, 16, 32, 32) — H: …` → a table row. */
function traceRow(line: string): string {
  const input = /^input (\([^)]*\))(?: \(((?:cell \d+, )?line \d+)\))?(.*)$/.exec(line);
  if (input) return `| input${cell(input[3])} | \`${input[1]}\` | ${input[2] ?? ''} |`;
  const layer = /^([\w.]+) \(((?:cell \d+, )?line \d+)\): (.*?)(?: — .*)?$/.exec(line);
  if (!layer) return `| ${cell(line)} | | |`;
  return `| ${cell(layer[1])} | \`${cell(layer[3])}\` | ${layer[2]} |`;
}

function escape(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

export function tensorMarkdown(fact: TensorFact): string {
  return `\`${fact.name}\`: \`${formatShape(fact.shape)}\``;
}

export function ruleMarkdown(rule: RuleDoc, url: string): string {
  return [
    `**${rule.code}** \`${rule.name}\` — ${rule.summary}`,
    '',
    '**What it does**',
    rule.whatItDoes,
    '',
    '**Why is this bad?**',
    rule.whyBad,
    '',
    '**Example**',
    rule.example,
    '',
    '**Fix**',
    rule.fix,
    '',
    `*Fix safety:* ${rule.fixSafety}`,
    '',
    `[Documentation](${url})`,
  ].join('\n');
}

/** A Keras-style `model.summary()` table, computed statically. */
export function modelSummaryMarkdown(model: ModelSummary): string {
  const out = [
    `# ${model.name} (${model.framework})`,
    '',
    `Input: ${model.inputShapes.map(formatShape).join(', ') || 'unknown'}`,
    '',
    '| Layer | Type | Output shape | Axes | Params |',
    '| --- | --- | --- | --- | ---: |',
  ];
  // A library model's blocks are one row each (its hundreds of layers would bury the shapes).
  for (const row of summaryRows(model)) {
    if (row.block) {
      const n = row.layers.length;
      const shape = row.backbone ? `\`${formatShape(row.backbone.inputShape)}\` → \`${formatShape(row.outputShape)}\`` : `\`${formatShape(row.outputShape)}\``;
      out.push(`| ${cell(row.name)} | ${row.backbone ? cell(row.backbone.library) : 'block'} (${n} layer${n === 1 ? '' : 's'}) | ${shape} | | ${row.params === null ? '?' : formatCount(row.params)} |`);
      continue;
    }
    const l = model.layers[row.layers[0]];
    const params = l.reused ? '(shared)' : l.params === null ? '?' : formatCount(l.params);
    out.push(`| ${cell(l.name)} | ${cell(l.type)} | \`${formatShape(l.outputShape)}\` | ${l.axisNames?.join(' ') ?? ''} | ${params} |`);
  }
  out.push('', `Total params: ${countOrUnknown(model.totalParams)}  `);
  out.push(`Trainable params: ${countOrUnknown(model.trainableParams)}  `);
  out.push(`Non-trainable params: ${countOrUnknown(model.nonTrainableParams)}`);
  return out.join('\n');
}

/** A library model used as a backbone: its block row's facts, then the summary of the user's model holding it. */
export function backboneMarkdown(model: ModelSummary, backbone: BackboneSummary): string {
  const row = summaryRows(model).find((r) => r.backbone === backbone);
  const params = row?.params === null || row === undefined ? 'unknown' : formatCount(row.params);
  return [
    `**${backbone.block}**: \`${backbone.library}\`, a library model inside \`${model.name}\``,
    '',
    `\`${formatShape(backbone.inputShape)}\` → \`${formatShape(row?.outputShape ?? null)}\`, ${params} parameters, ${row?.layers.length ?? 0} layers`,
    '',
    '---',
    '',
    modelSummaryMarkdown(model),
  ].join('\n');
}

export function inlayLabel(shape: Shape | null): string {
  return `→ ${formatShape(shape)}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function countOrUnknown(n: number | null): string {
  return n === null ? 'unknown' : formatCount(n);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
