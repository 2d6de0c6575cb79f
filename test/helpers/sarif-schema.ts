/** The SARIF 2.1.0 schema as a validator, with its string formats (uri, date-time) checked. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from './paths';

export function sarifValidator(): ReturnType<Ajv2020['compile']> {
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'schemas', 'sarif-2.1.0.json'), 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
