/** What every rule file exports. The same text feeds `shapelint rule`, docs/rules, SARIF and hovers. */

/** Declared here, not in `types.ts`, which derives `Diagnostic.rule` from the registry. */
export type Severity = 'error' | 'warning' | 'info';

export interface RuleDoc<Name extends string = string> {
  /** Stable code, never reused: `SL` + three digits. */
  code: string;
  /** Kebab-case name describing the problem; part of the public interface. */
  name: Name;
  severity: Severity;
  /** One line, for listings. */
  summary: string;
  /** Markdown sections. */
  whatItDoes: string;
  whyBad: string;
  example: string;
  fix: string;
  fixSafety: string;
}

/** Declares a rule, keeping its name as a literal type: the registry derives `RuleName` from it. */
export function defineRule<const Name extends string>(rule: RuleDoc<Name>): RuleDoc<Name> {
  return rule;
}

export const DOCS_BASE_URL = 'https://shapelint.dev/rules/';

export function ruleUrl(rule: RuleDoc): string {
  return `${DOCS_BASE_URL}${rule.name}`;
}
