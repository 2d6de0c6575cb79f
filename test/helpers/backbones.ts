/** The backbone fixtures (`test/fixtures/backbones/<framework>/*.py`), shared by their engine and oracle tests. */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES } from './paths';

export const BACKBONES = path.join(FIXTURES, 'backbones');

export function backboneFixtures(): string[] {
  return ['torch', 'keras', 'gluon'].flatMap((fw) => readdirSync(path.join(BACKBONES, fw)).filter((f) => f.endsWith('.py')).map((f) => path.join(BACKBONES, fw, f)));
}
