/** The rule registry: one line per rule. Codes are stable and never reused. */
import { analysisIncomplete } from './analysis-incomplete';
import { channelMismatch } from './channel-mismatch';
import { featuresMismatch } from './features-mismatch';
import { invalidArgument } from './invalid-argument';
import { kernelExceedsInput } from './kernel-exceeds-input';
import { layoutMismatch } from './layout-mismatch';
import { mergeMismatch } from './merge-mismatch';
import { rankMismatch } from './rank-mismatch';
import { reshapeMismatch } from './reshape-mismatch';
import type { RuleDoc } from './rule';
import { unusedSuppression } from './unused-suppression';

export type { RuleDoc } from './rule';
export { ruleUrl, DOCS_BASE_URL } from './rule';

export const RULES: readonly RuleDoc[] = [
  kernelExceedsInput,
  channelMismatch,
  featuresMismatch,
  rankMismatch,
  layoutMismatch,
  reshapeMismatch,
  mergeMismatch,
  invalidArgument,
  unusedSuppression,
  analysisIncomplete,
];

const byKey = new Map<string, RuleDoc>();
for (const r of RULES) {
  byKey.set(r.code.toLowerCase(), r);
  byKey.set(r.name, r);
}

/** Finds a rule by code (case-insensitive) or name. */
export function findRule(key: string): RuleDoc | undefined {
  return byKey.get(key) ?? byKey.get(key.toLowerCase());
}
