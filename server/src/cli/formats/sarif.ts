/**
 * `sarif`: SARIF 2.1.0 for code scanning. Only the rules that fired are described; regions
 * are 1-based with code-point columns (`columnKind`); URIs are relative to the working folder.
 */
import { findRule, ruleUrl, type RuleDoc } from '../../engine/index';
import { ruleMarkdown } from '../rule-docs';
import { fileSpan, firstLine, relatedSource, shownFix, whereLabel, type FileReport, type RunReport, type SourceRef } from '../report';
import { fingerprints } from './fingerprint';
import type { TextRange } from '../../engine/index';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function renderSarif(report: RunReport, version: string): string {
  const fired: RuleDoc[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const rule = f.code ? findRule(f.code) : undefined;
      if (rule && !fired.includes(rule)) fired.push(rule);
    }
  }
  fired.sort((a, b) => (a.code < b.code ? -1 : 1));
  const results = report.files.flatMap((file) => fileResults(file, report, fired));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'shapelint', version, informationUri: 'https://shapelint.dev', rules: fired.map(sarifRule) } },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function sarifRule(rule: RuleDoc): object {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.whatItDoes },
    help: { text: `${rule.whyBad}\n\n${rule.fix}`, markdown: ruleMarkdown(rule) },
    helpUri: ruleUrl(rule),
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

function fileResults(file: FileReport, report: RunReport, fired: RuleDoc[]): object[] {
  const prints = fingerprints(file);
  const location = (range: TextRange, at: SourceRef = file) => ({ artifactLocation: { uri: encodeUri(at.display) }, region: region(at, range) });
  return file.findings.map((f) => {
    const fix = shownFix(f, report.fixMode);
    const index = f.code ? fired.findIndex((r) => r.code === f.code) : -1;
    const result: Record<string, unknown> = {
      ruleId: f.code ?? 'syntax-error',
      level: LEVEL[f.severity],
      // A notebook's region is the JSON line of the cell line; the text names the cell.
      message: { text: [`${file.cells ? `${whereLabel(file, f.range.start)}: ` : ''}${f.message}`, ...f.explanation].join('\n') },
      locations: [{ physicalLocation: location(f.range) }],
      partialFingerprints: { 'shapelint/v1': prints.get(f) },
    };
    if (index >= 0) result.ruleIndex = index;
    if (f.related.length) {
      result.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: location(r.range, relatedSource(file, r)), message: { text: firstLine(r.message) } }));
    }
    // A fix's regions would be JSON lines of a notebook, not its code: notebooks get none here.
    if (fix && !file.cells) {
      result.fixes = [
        {
          description: { text: fix.title },
          artifactChanges: [
            {
              artifactLocation: { uri: encodeUri(file.display) },
              replacements: fix.edits.map((e) => ({ deletedRegion: region(file, e.range), insertedContent: { text: e.newText } })),
            },
          ],
        },
      ];
    }
    return result;
  });
}

function region(file: SourceRef, range: TextRange): object {
  return fileSpan(file, range);
}

/** A relative URI reference: path segments percent-encoded (spaces, non-ASCII). */
function encodeUri(display: string): string {
  return display.split('/').map(encodeURIComponent).join('/');
}
