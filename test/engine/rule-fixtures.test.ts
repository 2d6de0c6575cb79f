/**
 * Every registered rule has a flagged fixture and its clean near-miss beside it:
 * `test/fixtures/engine/rules/<stem>.py` expects a diagnostic of the rule and
 * `<stem>_ok.py` expects none. `fixtures.test.ts` checks that both behave as they say.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULES, type RuleName } from '../../server/src/engine/index';
import { parseExpectations, type Expectations } from '../helpers/expectations';
import { FIXTURES } from '../helpers/paths';

const DIR = path.join(FIXTURES, 'engine', 'rules');
const fixtures = new Map<string, Expectations>(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.py'))
    .map((f) => [f, parseExpectations(readFileSync(path.join(DIR, f), 'utf8'))]),
);

function flaggedFixtures(rule: RuleName): string[] {
  return [...fixtures].filter(([f, exp]) => !f.endsWith('_ok.py') && exp.diagnostics.some((d) => d.rule === rule)).map(([f]) => f);
}

function cleanPartner(flagged: string): string {
  return flagged.replace(/\.py$/, '_ok.py');
}

describe('every rule has a flagged and a clean fixture', () => {
  for (const rule of RULES) {
    it(rule.name, () => {
      const flagged = flaggedFixtures(rule.name);
      assert.ok(flagged.length > 0, `no fixture in test/fixtures/engine/rules expects [${rule.name}]`);
      const clean = flagged.map(cleanPartner).filter((ok) => fixtures.get(ok)?.diagnostics.length === 0);
      assert.ok(clean.length > 0, `no clean near-miss for [${rule.name}]: add ${cleanPartner(flagged[0])} (expecting no diagnostic) beside ${flagged[0]}`);
    });
  }
});
