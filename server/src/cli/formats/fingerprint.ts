/**
 * Fingerprints that identify a finding across commits: built from the path, the code, the
 * message and the flagged source text (never the line number), plus an occurrence counter
 * for identical findings in one file. Moving code up or down keeps them unchanged.
 */
import { crypto } from '../../host/lazy-builtins';
import type { FileReport, Finding } from '../report';

export function fingerprints(file: FileReport): Map<Finding, string> {
  const seen = new Map<string, number>();
  const out = new Map<Finding, string>();
  for (const f of file.findings) {
    const snippet = file.text.slice(f.range.start, f.range.end).replace(/\s+/g, ' ').trim();
    const base = [file.display, f.code ?? 'syntax-error', f.message.split(/\r?\n/)[0], snippet].join('\0');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.set(f, crypto().createHash('sha256').update(`${base}\0${n}`).digest('hex').slice(0, 32));
  }
  return out;
}
