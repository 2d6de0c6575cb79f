/**
 * Rule documentation rendered from the rule files: `shapelint rule`, `docs/rules/*.md` and
 * SARIF's rule help all come from here, so they never disagree.
 */
import { RULES, ruleUrl, type RuleDoc } from '../engine/index';

export function ruleMarkdown(rule: RuleDoc): string {
  return [
    `# ${rule.name} (${rule.code})`,
    '',
    `Default severity: ${rule.severity}.`,
    '',
    rule.summary,
    '',
    '## What it does',
    '',
    rule.whatItDoes,
    '',
    '## Why is this bad?',
    '',
    rule.whyBad,
    '',
    '## Example',
    '',
    rule.example,
    '',
    '## How to fix it',
    '',
    rule.fix,
    '',
    '## Fix safety',
    '',
    rule.fixSafety,
    '',
    '## Suppressing it',
    '',
    `Add \`# noqa: ${rule.code}\` or \`# shapelint: ignore[${rule.name}]\` to the flagged line, or \`ignore = ["${rule.code}"]\` to the configuration.`,
    '',
  ].join('\n');
}

/** `docs/rules/README.md`: the index of all rules. */
export function rulesIndexMarkdown(): string {
  const rows = RULES.map((r) => `| [${r.code}](${r.name}.md) | \`${r.name}\` | ${r.severity} | ${r.summary.replace(/\|/g, '\\|')} |`);
  return ['# Rules', '', 'Generated from `server/src/engine/rules/` by `npm run docs:rules`; do not edit by hand.', '', '| Code | Name | Severity | Summary |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

/** Every generated file: name → content. */
export function generatedRuleDocs(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', rulesIndexMarkdown());
  for (const r of RULES) files.set(`${r.name}.md`, ruleMarkdown(r));
  return files;
}

export function ruleJson(rule: RuleDoc): object {
  return { code: rule.code, name: rule.name, severity: rule.severity, summary: rule.summary, url: ruleUrl(rule) };
}
