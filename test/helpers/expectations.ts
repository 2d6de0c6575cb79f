/**
 * Inline expectations in fixture files, checked by `test/engine/fixtures.test.ts`:
 *
 *   model.add(MaxPool2D((2, 2)))  # error: [kernel-exceeds-input] "exceeds input (1 padded to 1)"
 *   x = self.conv1(x)             # shape: (4, 32, 32, 32)
 *   model = Net()                 # params: 62006
 *
 * `error:` (also `warning:`/`info:`) means a diagnostic of that rule starts on this line and
 * its message or explanation contains every quoted fragment. A file with no `error:` line
 * must produce no diagnostics at all. `shape:` means some layer applied on this line has that
 * output shape. `params:` means the model defined on this line has that many parameters.
 * A first-line `# options: {json}` passes AnalyzeOptions.
 */
export interface ExpectedDiagnostic {
  line: number;
  severity: string;
  rule: string;
  fragments: string[];
}

export interface Expectations {
  diagnostics: ExpectedDiagnostic[];
  shapes: { line: number; shape: string }[];
  params: { line: number; count: number }[];
  options: Record<string, unknown>;
}

const DIAG = /#\s*(error|warning|info):\s*\[([a-z-]+)\]((?:\s*"[^"]*")*)/;
const SHAPE = /#\s*shape:\s*(\([^)]*\))/;
const PARAMS = /#\s*params:\s*([\d,_]+)/;

export function parseExpectations(text: string): Expectations {
  const out: Expectations = { diagnostics: [], shapes: [], params: [], options: {} };
  const lines = text.split(/\r\n|\n|\r/);
  const opt = /^#\s*options:\s*(\{.*\})\s*$/.exec(lines[0] ?? '');
  if (opt) out.options = JSON.parse(opt[1]);
  lines.forEach((l, i) => {
    const line = i + 1;
    const d = DIAG.exec(l);
    if (d) out.diagnostics.push({ line, severity: d[1], rule: d[2], fragments: [...d[3].matchAll(/"([^"]*)"/g)].map((m) => m[1]) });
    const s = SHAPE.exec(l);
    if (s) out.shapes.push({ line, shape: s[1] });
    const p = PARAMS.exec(l);
    if (p) out.params.push({ line, count: Number(p[1].replace(/[,_]/g, '')) });
  });
  return out;
}
