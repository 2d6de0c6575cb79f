/** `shapelint rule NAME|CODE` and `shapelint rules`. */
import { findRule, RULES } from '../engine/index';
import { EXIT, type CliIo } from './io';
import { ruleJson, ruleMarkdown } from './rule-docs';

export function runRule(key: string, io: CliIo): number {
  const rule = findRule(key);
  if (!rule) {
    io.stderr(`error: unknown rule \`${key}\`; run \`shapelint rules\` for the list\n`);
    return EXIT.error;
  }
  io.stdout(ruleMarkdown(rule));
  return EXIT.clean;
}

export function runRules(format: 'text' | 'json', io: CliIo): number {
  if (format === 'json') {
    io.stdout(`${JSON.stringify(RULES.map(ruleJson), null, 2)}\n`);
    return EXIT.clean;
  }
  const width = Math.max(...RULES.map((r) => r.name.length));
  for (const r of RULES) io.stdout(`${r.code}  ${r.name.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}\n`);
  return EXIT.clean;
}
