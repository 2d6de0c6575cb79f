/**
 * A unified diff for `--diff`: common prefix and suffix are trimmed, the middle is diffed
 * line by line with an LCS table (fix edits are small, so the middle is small too).
 */
const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; text: string };

export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
  if (oldText === newText) return '';
  const a = lines(oldText);
  const b = lines(newText);
  const ops = diffLines(a, b);
  return `--- ${oldName}\n+++ ${newName}\n${hunks(ops).join('')}`;
}

function lines(text: string): string[] {
  const parts = text.split(/(?<=\n)/);
  return parts.length && parts[parts.length - 1] === '' ? parts.slice(0, -1) : parts;
}

function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const same = (t: string): Op => ({ kind: ' ', text: t });
  return [...a.slice(0, pre).map(same), ...middle(midA, midB), ...a.slice(a.length - suf).map(same)];
}

function middle(a: string[], b: string[]): Op[] {
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    return [...a.map((text): Op => ({ kind: '-', text })), ...b.map((text): Op => ({ kind: '+', text }))];
  }
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++] }), j++;
    else if (i < a.length && (j === b.length || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) ops.push({ kind: '-', text: a[i++] });
    else ops.push({ kind: '+', text: b[j++] });
  }
  return ops;
}

function hunks(ops: Op[]): string[] {
  const changed = ops.map((o, k) => (o.kind === ' ' ? -1 : k)).filter((k) => k >= 0);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - CONTEXT);
    let end = changed[k];
    while (k < changed.length && changed[k] - end <= 2 * CONTEXT) end = changed[k++];
    const stop = Math.min(ops.length, end + CONTEXT + 1);
    out.push(hunk(ops, start, stop));
  }
  return out;
}

function hunk(ops: Op[], start: number, stop: number): string {
  let oldLine = 1;
  let newLine = 1;
  for (let k = 0; k < start; k++) {
    if (ops[k].kind !== '+') oldLine++;
    if (ops[k].kind !== '-') newLine++;
  }
  const body = ops.slice(start, stop);
  const oldCount = body.filter((o) => o.kind !== '+').length;
  const newCount = body.filter((o) => o.kind !== '-').length;
  const text = body.map((o) => `${o.kind}${o.text.endsWith('\n') ? o.text : `${o.text}\n\\ No newline at end of file\n`}`).join('');
  return `@@ -${oldCount ? oldLine : oldLine - 1},${oldCount} +${newCount ? newLine : newLine - 1},${newCount} @@\n${text}`;
}
