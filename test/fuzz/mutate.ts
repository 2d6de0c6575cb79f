/** Seeded mutations of source texts: truncations, byte flips, deleted and duplicated lines. */
import { rng } from '../helpers/corpus';

export type Mutation = 'truncate' | 'flip' | 'delete-line' | 'duplicate-line' | 'insert-junk';

const MUTATIONS: Mutation[] = ['truncate', 'flip', 'delete-line', 'duplicate-line', 'insert-junk'];
const JUNK = ['(', ')', '[', ']', ':', ',', '"', "'", '\\', '\0', '\uFFFD', '𝒳', 'é', '\t', '\r', '\n', 'def ', 'class ', 'lambda', '**', '=', '.'];

export interface FuzzInput {
  text: string;
  mutations: Mutation[];
}

export function* fuzzInputs(seeds: string[], count: number, seed = 1234): Generator<FuzzInput> {
  const r = rng(seed);
  for (let n = 0; n < count; n++) {
    let text = seeds[Math.floor(r() * seeds.length)];
    const applied: Mutation[] = [];
    const k = 1 + Math.floor(r() * 3);
    for (let j = 0; j < k; j++) {
      const m = MUTATIONS[Math.floor(r() * MUTATIONS.length)];
      text = mutate(text, m, r);
      applied.push(m);
    }
    yield { text, mutations: applied };
  }
}

function mutate(text: string, m: Mutation, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  switch (m) {
    case 'truncate':
      return text.slice(0, at);
    case 'flip': {
      if (text.length === 0) return text;
      const code = Math.floor(r() * 0x80) ^ text.charCodeAt(Math.min(at, text.length - 1));
      return text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
    }
    case 'insert-junk':
      return text.slice(0, at) + JUNK[Math.floor(r() * JUNK.length)] + text.slice(at);
    case 'delete-line':
    case 'duplicate-line': {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      if (m === 'delete-line') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
  }
}
