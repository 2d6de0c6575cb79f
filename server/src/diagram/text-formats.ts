/**
 * The layer graph as text other tools draw: Mermaid (GitHub and most Markdown viewers render it)
 * and Graphviz dot. Both list nodes with their type, key arguments and parameters, and put the
 * shapes on the edges; a failing layer is drawn red with the framework's message.
 */
import type { GraphNode, ModelGraph } from './graph';

export function toMermaid(g: ModelGraph): string {
  const out = ['flowchart TD'];
  for (const n of g.nodes) out.push(`  ${n.id}${mermaidShape(n)}`);
  for (const e of g.edges) out.push(`  ${e.from} -->|"${mermaidText(e.label)}"| ${e.to}`);
  const failing = g.nodes.filter((n) => n.error).map((n) => n.id);
  if (failing.length) {
    out.push('  classDef error fill:#fde2e1,stroke:#c62828,stroke-width:2px,color:#000');
    out.push(`  class ${failing.join(',')} error`);
  }
  return `${out.join('\n')}\n`;
}

function mermaidShape(n: GraphNode): string {
  const label = nodeLines(n).map(mermaidText).join('<br/>');
  return n.kind === 'layer' ? `["${label}"]` : `(["${label}"])`;
}

/** Mermaid labels are quoted strings whose quotes and angle brackets are written as entities. */
function mermaidText(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

export function toDot(g: ModelGraph): string {
  const out = [
    `digraph ${dotString(g.name)} {`,
    '  rankdir=TB;',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of g.nodes) {
    const attrs = [`label=${dotString(nodeLines(n).join('\n'))}`];
    if (n.kind !== 'layer') attrs.push('shape=oval');
    if (n.error) attrs.push('style="rounded,filled"', 'fillcolor="#fde2e1"', 'color="#c62828"', 'penwidth=2');
    out.push(`  ${n.id} [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) out.push(`  ${e.from} -> ${e.to} [label=${dotString(e.label)}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** A dot double-quoted string; `\n` inside becomes dot's centred line break. */
function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The lines a node shows: title, arguments, parameters, and the error when the layer fails. */
export function nodeLines(n: GraphNode): string[] {
  const lines = [n.title];
  if (n.args) lines.push(n.args);
  if (n.kind === 'layer') lines.push(`params: ${n.params}`);
  if (n.error) lines.push(`✗ ${n.error}`);
  return lines;
}
