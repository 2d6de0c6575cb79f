/**
 * A node of a subtree copied out of the parser (`ParsedTree.copySubtree`): plain JavaScript
 * data, read without calls into WebAssembly. It answers as the parser's node would, except that
 * the tokens the conversion never reads are left out (`keptInCopy`).
 */
import type { ReadNode } from './tree';

/** What the nodes of one copy share: the text the tree was parsed from and the grammar's field names. */
export interface CopySource {
  readonly text: string;
  /** Field names by id (id 0 is no field), as the parser's language lists them. */
  readonly fields: readonly (string | null)[];
  /** Field ids by name. */
  readonly fieldIds: ReadonlyMap<string, number>;
}

/** The nodes whose unnamed children outside a field the conversion reads (comparison operators, a slice's colons). */
const TOKENS_READ_UNDER = new Set(['comparison_operator', 'slice']);

/**
 * Whether a copy keeps a node: every named node and every node in a field (an operator), and
 * the unnamed ones only under `TOKENS_READ_UNDER`. The conversion (`convert.ts`) reads nothing
 * else of punctuation and keywords: it reaches children through fields and named children.
 */
export function keptInCopy(isNamed: boolean, field: number, parentType: string): boolean {
  return isNamed || field > 0 || TOKENS_READ_UNDER.has(parentType);
}

function isMeaningful(c: CopiedNode): boolean {
  return c.isNamed && c.type !== 'comment';
}

function allMeaningful(children: readonly CopiedNode[]): boolean {
  for (const c of children) if (!isMeaningful(c)) return false;
  return true;
}

/** The children of every leaf (most nodes are leaves: one shared array instead of one each). */
// Not frozen: a frozen array has a map of its own, and loops over children (most of the conversion) would see two kinds of array.
const NO_CHILDREN: readonly CopiedNode[] = [];

export class CopiedNode implements ReadNode {
  /** Set by the copy once every child is copied. */
  children: readonly CopiedNode[] = NO_CHILDREN;
  private meaningful: readonly CopiedNode[] | null = null;

  constructor(
    private readonly source: CopySource,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly isNamed: boolean,
    /** The field this node is in its parent (0: none). */
    readonly field: number,
  ) {}

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren().length;
  }

  child(index: number): CopiedNode | null {
    return this.children[index] ?? null;
  }

  namedChild(index: number): CopiedNode | null {
    return this.namedChildren()[index] ?? null;
  }

  childForFieldName(name: string): CopiedNode | null {
    const id = this.source.fieldIds.get(name);
    if (id === undefined) return null;
    for (const c of this.children) if (c.field === id) return c;
    return null;
  }

  fieldNameForChild(index: number): string | null {
    const c = this.children[index];
    return c && c.field > 0 ? this.source.fields[c.field] ?? null : null;
  }

  /**
   * The named children that are not comments (what the conversion reads of most nodes), kept: the
   * conversion asks several times. Most often that is every child (the copy leaves out most
   * tokens): then the children themselves, not a copy of them.
   */
  meaningfulChildren(): readonly CopiedNode[] {
    return (this.meaningful ??= allMeaningful(this.children) ? this.children : this.children.filter(isMeaningful));
  }

  private namedChildren(): readonly CopiedNode[] {
    return this.children.filter((c) => c.isNamed);
  }
}
