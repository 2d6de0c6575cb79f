/**
 * The rule registry: one line per rule. Codes are stable and never reused. `RuleName` is
 * derived from this list, so naming a rule that is not registered here fails the build.
 */
import { analysisIncomplete } from './analysis-incomplete';
import { channelMismatch } from './channel-mismatch';
import { featuresMismatch } from './features-mismatch';
import { invalidArgument } from './invalid-argument';
import { kernelExceedsInput } from './kernel-exceeds-input';
import { layoutMismatch } from './layout-mismatch';
import { mergeMismatch } from './merge-mismatch';
import { portDivergence } from './port-divergence';
import { rankMismatch } from './rank-mismatch';
import { reshapeMismatch } from './reshape-mismatch';
import { targetMismatch } from './target-mismatch';
import { unusedSuppression } from './unused-suppression';

export type { RuleDoc } from './rule';
export { ruleUrl, DOCS_BASE_URL } from './rule';

export const RULES = [
  kernelExceedsInput,
  channelMismatch,
  featuresMismatch,
  rankMismatch,
  layoutMismatch,
  reshapeMismatch,
  mergeMismatch,
  invalidArgument,
  targetMismatch,
  portDivergence,
  unusedSuppression,
  analysisIncomplete,
] as const;

/** A registered rule. */
export type Rule = (typeof RULES)[number];
/** The name of a registered rule; every diagnostic and layer issue is typed by it. */
export type RuleName = Rule['name'];

const byName = new Map<string, Rule>(RULES.map((r) => [r.name, r]));
const byKey = new Map<string, Rule>(byName);
for (const r of RULES) byKey.set(r.code.toLowerCase(), r);

/** The rule of a name the type system already knows is registered: cannot fail. */
export function ruleByName(name: RuleName): Rule {
  return byName.get(name)!;
}

/** Finds a rule by user input: a code (case-insensitive) or a name. */
export function findRule(key: string): Rule | undefined {
  return byKey.get(key) ?? byKey.get(key.toLowerCase());
}
