/**
 * Seeded random interpreter programs: loops (nested, over ranges, lists and strings, `while`),
 * comprehensions, arithmetic over numbers, lists and strings, builtins, list and dict methods,
 * slicing, recursion and unknown branches, sometimes with a model built from the computed
 * values. They aim at the interpreter's budgets rather than the layer catalogue: every
 * program must finish within them, whatever it computes.
 */
import { rng } from '../helpers/corpus';

export interface GeneratedProgram {
  text: string;
  seed: number;
}

export function* programInputs(count: number, seed = 4321): Generator<GeneratedProgram> {
  for (let n = 0; n < count; n++) {
    const s = (seed * 1_000_003 + n) >>> 0;
    yield { text: new ProgramWriter(rng(s)).program(), seed: s };
  }
}

const VARS = ['a', 'b', 'c', 'xs', 'ys', 'text', 'table', 'total'];
const BIG = ['10', '60', '400', '500', '5000', '10000', '10**6', '2**40', '10**12'];

class ProgramWriter {
  private lines: string[] = [];
  private depth = 0;

  constructor(private readonly r: () => number) {}

  program(): string {
    this.emit('import math');
    if (this.chance(0.5)) this.emit('import torch', 'import torch.nn as nn');
    for (const v of VARS) this.emit(`${v} = ${this.literal()}`);
    const statements = 3 + this.int(10);
    for (let i = 0; i < statements; i++) this.statement(0);
    if (this.chance(0.4)) this.model();
    return `${this.lines.join('\n')}\n`;
  }

  private statement(nesting: number): void {
    const kind = nesting >= 3 ? this.int(4) : this.int(10);
    switch (kind) {
      case 0:
      case 1:
        return this.emit(`${this.target()} = ${this.expr(2)}`);
      case 2:
        return this.emit(`${this.pick(VARS)} ${this.pick(['+=', '*=', '-=', '//='])} ${this.expr(1)}`);
      case 3:
        return this.emit(`${this.pick(['xs', 'ys'])}.${this.pick(['append', 'extend', 'insert', 'pop'])}(${this.expr(1)})`);
      case 4:
      case 5:
        return this.block(`for ${this.pick(['i', 'j', 'k', 'a'])} in ${this.iterable()}:`, nesting);
      case 6:
        return this.block(`if ${this.expr(1)} ${this.pick(['<', '==', '!=', 'in'])} ${this.expr(1)}:`, nesting);
      case 7:
        return this.block(`while ${this.pick(['True', 'a < 10', 'xs'])}:`, nesting);
      case 8:
        this.emit(`def f${nesting}(n):`);
        this.depth++;
        this.emit(`if n ${this.pick(['<', '>'])} ${this.int(5)}:`, `    return ${this.expr(1)}`);
        this.emit(`return ${this.pick([`f${nesting}(n - 1) + f${nesting}(n - 2)`, `f${nesting}(n + 1)`, `[f${nesting}(n - 1)] * 2`, 'n'])}`);
        this.depth--;
        return this.emit(`${this.pick(VARS)} = f${nesting}(${this.pick(['3', '30', '90', 'a'])})`);
      default:
        return this.emit(`table[${this.expr(1)}] = ${this.expr(1)}`);
    }
  }

  private block(header: string, nesting: number): void {
    this.emit(header);
    this.depth++;
    const n = 1 + this.int(3);
    for (let i = 0; i < n; i++) this.statement(nesting + 1);
    if (this.chance(0.1)) this.emit(this.pick(['break', 'continue']));
    this.depth--;
  }

  private model(): void {
    // A correct model whose sizes come from the computation: known or unknown, they must not
    // produce a diagnostic.
    this.emit('import torch', 'import torch.nn as nn');
    this.emit(`width = max(1, int(${this.pick(['len(xs)', 'total', 'a', 'sum(ys)', '16'])}))`);
    this.emit('net = nn.Sequential(nn.Linear(8, width), nn.ReLU(), nn.Linear(width, 4))');
    this.emit(`out = net(torch.randn(${this.pick(['2', 'len(xs)', 'len(text)'])}, 8))`);
  }

  private expr(depth: number): string {
    if (depth <= 0) return this.atom();
    switch (this.int(9)) {
      case 0:
        return `${this.expr(depth - 1)} ${this.pick(['+', '-', '*', '/', '//', '%', '**', '<<'])} ${this.expr(depth - 1)}`;
      case 1:
        return `[${this.expr(depth - 1)} for ${this.pick(['i', 'j'])} in ${this.iterable()}${this.chance(0.3) ? ` if i ${this.pick(['<', '%'])} ${this.int(7) + 1}` : ''}]`;
      case 2:
        return `${this.pick(['sum', 'len', 'min', 'max', 'list', 'tuple', 'reversed', 'enumerate', 'abs', 'int', 'round'])}(${this.expr(depth - 1)})`;
      case 3:
        return `zip(${this.expr(depth - 1)}, ${this.expr(depth - 1)})`;
      case 4:
        return `${this.pick(VARS)}[${this.pick(['0', '-1', 'i', '1:', '::-1', ':a', '2:10:3'])}]`;
      case 5:
        return `math.${this.pick(['cos', 'floor', 'ceil', 'sqrt', 'prod'])}(${this.expr(depth - 1)})`;
      case 6:
        return `[${this.expr(depth - 1)}] * ${this.pick(BIG)}`;
      case 7:
        return `${this.expr(depth - 1)} if ${this.expr(depth - 1)} else ${this.expr(depth - 1)}`;
      default:
        return `[${this.expr(depth - 1)}, *${this.pick(VARS)}]`;
    }
  }

  private iterable(): string {
    return this.pick([`range(${this.pick(BIG)})`, `range(${this.int(40)})`, 'xs', 'ys', 'text', 'table', `range(a)`, `zip(xs, ys)`, `enumerate(xs)`]);
  }

  private atom(): string {
    return this.chance(0.6) ? this.pick(VARS) : this.literal();
  }

  private literal(): string {
    return this.pick(['0', '1', '7', '2.5', '-3', '"ab"', '"-" * 1000', '[1, 2, 3]', '[0] * 100', 'list(range(50))', '{}', '{"k": 1}', '()', 'None', 'True', '10**20']);
  }

  private target(): string {
    return this.chance(0.15) ? `${this.pick(VARS)}, ${this.pick(VARS)}` : this.pick(VARS);
  }

  private emit(...lines: string[]): void {
    for (const l of lines) this.lines.push(`${'    '.repeat(this.depth)}${l}`);
  }

  private int(n: number): number {
    return Math.floor(this.r() * n);
  }

  private chance(p: number): boolean {
    return this.r() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}
