/**
 * Converts a tree-sitter-python tree into the engine's AST (`ast.ts`). Never throws on any
 * tree: unexpected shapes become `unknown`/`other` nodes, ERROR nodes are recorded as syntax
 * problems, and nesting deeper than `MAX_DEPTH` is cut off rather than overflowing the stack.
 *
 * Comments and syntax errors are collected for the whole file up front; statements are
 * converted one top-level statement at a time, when the interpreter reaches them, and
 * charged to the meter, and a function's body when it is first read (`withLazyBody`). So a
 * budget that runs out also stops the conversion, and the AST of a huge file never exists all
 * at once.
 */
import { firstIndexWhere } from '../bisect';
import type { Meter } from '../budget';
import type { TextRange } from '../types';
import type { Arg, ClassDef, Expr, FunctionDef, LazyStatement, Module, Param, Stmt, StrPart } from './ast';
import { CopiedNode } from './copied-node';
import type { ParsedTree, ReadNode, SyntaxNode } from './tree';

const MAX_DEPTH = 400;

type Trivia = Pick<Module, 'comments' | 'syntaxErrors'>;

export function convertModule(root: SyntaxNode, meter: Meter, cache?: ConversionCache, text?: string, tree?: TreeIdentity): Module {
  if (cache) return cache.convert(root, meter, text, tree);
  const trivia = collectTrivia(root, text);
  const names = new Names();
  return {
    ...trivia,
    body: topLevel(root, (child) => {
      let body: Stmt[] | null = null;
      return { start: child.startIndex, end: child.endIndex, convert: () => (body ??= convertTopLevel(child, meter, names, tree)) };
    }),
  };
}

/**
 * `convertModule` for a module placed at offset `base` of a program's text (an imported
 * module of a multi-file analysis): every range is shifted by `base`, so offsets stay unique
 * across the modules of one analysis.
 */
export function convertModuleAt(root: SyntaxNode, meter: Meter, base: number, cache?: ConversionCache, text?: string, tree?: TreeIdentity): Module {
  const m = convertModule(root, meter, cache, text, tree);
  if (base === 0) return m;
  const trivia = shift({ comments: m.comments, syntaxErrors: m.syntaxErrors }, base) as Trivia;
  const body: LazyStatement[] = [];
  const shifted: Iterable<LazyStatement> = {
    *[Symbol.iterator]() {
      let k = 0;
      for (const part of m.body) {
        if (k === body.length) {
          let stmts: Stmt[] | null = null;
          body.push({ start: part.start + base, end: part.end + base, convert: () => (stmts ??= shift(part.convert(), base) as Stmt[]) });
        }
        yield body[k++];
      }
    },
  };
  return { ...trivia, body: shifted };
}

/**
 * The top-level statements of `root` (by child index), in order, read one at a time. The
 * module may be interpreted more than once (once per Keras reading), so statements read once
 * are kept and replayed.
 */
function topLevel(root: SyntaxNode, wrap: (child: SyntaxNode, index: number) => LazyStatement): Iterable<LazyStatement> {
  const read: LazyStatement[] = [];
  let next = 0;
  return {
    *[Symbol.iterator]() {
      for (let k = 0; ; k++) {
        while (k >= read.length && next < root.childCount) {
          const i = next++;
          const child = root.child(i);
          if (child && child.isNamed && child.type !== 'comment') read.push(wrap(child, i));
        }
        if (k >= read.length) return;
        yield read[k];
      }
    },
  };
}

/**
 * Reuses the conversion of top-level statements whose text did not change since the last
 * analysis of the same document (the language server re-analyses on every edit; most of a
 * large file is untouched). A reused part is shifted to its new offset.
 *
 * When the tree was re-parsed from the last tree converted after one edit (`TreeChanges`), only
 * the top-level statements around the edit are read from the tree: reading every statement
 * through the parser's wrappers cost more than the rest of an incremental analysis. The
 * statements before and after are the last ones (moved by the edit). That holds when the tree
 * has the last statement before the edit, and a statement starting where the first one after
 * it now starts, both with the same extent and type: the text before the edit is unchanged and
 * parsed from the start, and the text from a top-level statement on parses the same from the
 * module's state whatever came before. Otherwise every statement is read.
 */
export class ConversionCache {
  /** Conversions by statement text: of the last tree's children, and of older ones until there are too many (`prune`). */
  private parts = new Map<string, CachedPart>();
  /** The top-level children of the last tree converted (with its text). */
  private last: { tree: number; children: Child[] } | null = null;
  /** How many children the last conversion read from the tree (for tests and the benchmark). */
  lastRead = 0;

  /** `text`, the tree's text when the caller has it, spares reading each statement's text out of the tree. */
  convert(root: SyntaxNode, meter: Meter, text?: string, tree?: TreeIdentity): Module {
    const parts = this.parts;
    const last = this.last;
    this.last = null;
    const read = (last && text !== undefined && tree?.id !== undefined && movedChildren(root, text, tree, last, parts)) || readChildren(root, text, parts);
    this.prune(read.children);
    if (text !== undefined && tree?.id !== undefined) this.last = { tree: tree.id, children: read.children };
    this.lastRead = read.read;
    const body: LazyStatement[] = [];
    const out: Module = { body, comments: [], syntaxErrors: [] };
    const names = new Names();
    // Plain loops: this runs over every child of the module at each edit.
    const { children } = read;
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      const { part } = c;
      const { comments, syntaxErrors } = part.trivia;
      for (let k = 0; k < comments.length; k++) out.comments.push(comments[k]);
      for (let k = 0; k < syntaxErrors.length; k++) out.syntaxErrors.push(syntaxErrors[k]);
      if (c.statement) body.push({ start: c.start, end: c.end, text: c.key, convert: () => (part.body ??= convertPart(part, () => read.node(i), meter, names, tree)) });
    }
    // The module node itself may be missing pieces (e.g. an unterminated block at the end).
    if (root.isMissing) out.syntaxErrors.push({ range: rangeOf(root), message: `expected '${root.type}'` });
    return out;
  }

  /** Past twice the texts of `children` (plus some), only theirs are kept: texts no longer there are dropped now and then, not rebuilt at every edit. */
  private prune(children: Child[]): void {
    if (this.parts.size <= 2 * children.length + PRUNE_SLACK) return;
    this.parts = new Map(children.map((c) => [c.key, c.part]));
  }
}

/** Conversions of texts no longer in the document kept before pruning, beyond twice the document's statements. */
const PRUNE_SLACK = 256;

/** The parts of a tree `ConversionCache` needs to know it was re-parsed from the last one. */
export type TreeIdentity = Pick<ParsedTree, 'id' | 'changes' | 'copySubtree'>;

/** A top-level child of the module: where it is, its text (the cache key) and its conversion. */
interface Child {
  start: number;
  end: number;
  type: string;
  /** A statement (not a comment or punctuation). */
  statement: boolean;
  key: string;
  part: CachedPart;
  /**
   * The child this one was last moved from or to (`movedChild`): an edit typed and undone, or a
   * line added and removed above, finds the child it had at that place instead of a copy.
   */
  moved?: Child;
}

/** A module's children, and the tree node of child `i` (read when its statement must be converted). */
interface ReadChildren {
  children: Child[];
  /** How many were read from the tree. */
  read: number;
  node(i: number): SyntaxNode | null;
}

function childOf(node: SyntaxNode, text: string | undefined, parts: Map<string, CachedPart>): Child {
  const start = node.startIndex;
  const end = node.endIndex;
  const key = text === undefined ? node.text : text.slice(start, end);
  const hit = parts.get(key);
  const part: CachedPart = hit ? shiftPart(hit, start) : { start, trivia: collectTrivia(node, text), body: null };
  // Later children with the same text find it here.
  parts.set(key, part);
  const type = node.type;
  return { start, end, type, statement: node.isNamed && type !== 'comment', key, part };
}

/** Every child read from the tree. */
function readChildren(root: SyntaxNode, text: string | undefined, parts: Map<string, CachedPart>): ReadChildren {
  // All at once (one call into the parser) when the backend can.
  const nodes = (root.children ?? Array.from({ length: root.childCount }, (_, i) => root.child(i))).filter((n): n is SyntaxNode => n !== null);
  return { children: nodes.map((n) => childOf(n, text, parts)), read: nodes.length, node: (i) => nodes[i] };
}

/**
 * The children of a tree re-parsed from the last one (`last`) after one edit: those from the
 * last one ending before the edit to the first one starting after it read from the tree, the
 * others the last ones (moved when after the edit). Null when the tree is not the last one's
 * successor or its statements at both ends differ from the last ones (then every child is read).
 */
function movedChildren(root: SyntaxNode, text: string, tree: TreeIdentity, last: { tree: number; children: Child[] }, parts: Map<string, CachedPart>): ReadChildren | null {
  const old = last.children;
  if (tree.id === last.tree) return { children: old, read: 0, node: (i) => root.child(i) };
  const c = tree.changes;
  if (!c || c.from !== last.tree) return null;
  const delta = c.newEnd - c.oldEnd;
  // Old children [0, a) end before the edit; [b, ...) start after it (found by bisection: children are in order and disjoint).
  const a = firstIndex(old, 0, (x) => x.end >= c.start);
  const b = firstIndex(old, a, (x) => x.start > c.oldEnd);
  if (a > 0 && !sameNode(root.child(a - 1), old[a - 1], 0)) return null;
  const window: SyntaxNode[] = [];
  const stopAt = b < old.length ? old[b].start + delta : Infinity;
  // By index, not `nextSibling`: a DocumentTree's root (pieces.ts) joins children of several
  // trees, and a sibling link never leaves the tree it was parsed in.
  for (let i = a, n = root.child(i); n && n.startIndex < stopAt; n = root.child(++i)) window.push(n);
  const suffixAt = a + window.length;
  if (b < old.length && !sameNode(root.child(suffixAt), old[b], delta)) return null;
  if (root.childCount !== suffixAt + old.length - b) return null;
  const children = old.slice(0, a);
  for (const n of window) children.push(childOf(n, text, parts));
  for (let j = b; j < old.length; j++) children.push(movedChild(old[j], delta));
  return { children, read: window.length, node: (i) => (i >= a && i < suffixAt ? window[i - a] : root.child(i)) };
}

/** The first index from `from` on whose child passes `test`, which holds for every child after one that passes (else `children.length`). */
function firstIndex(children: Child[], from: number, test: (c: Child) => boolean): number {
  return firstIndexWhere(from, children.length, (i) => test(children[i]));
}

/** Whether `node` is the last tree's child `child`, moved by `delta`. */
function sameNode(node: SyntaxNode | null, child: Child, delta: number): boolean {
  return node !== null && node.startIndex === child.start + delta && node.endIndex === child.end + delta && node.type === child.type;
}

function movedChild(c: Child, delta: number): Child {
  if (delta === 0) return c;
  if (c.moved?.start === c.start + delta) {
    // Back where it was: the same text at the same place.
    c.moved.moved = c;
    return c.moved;
  }
  const out: Child = { start: c.start + delta, end: c.end + delta, type: c.type, statement: c.statement, key: c.key, part: shiftPart(c.part, c.start + delta), moved: c };
  c.moved = out;
  return out;
}

interface CachedPart {
  start: number;
  trivia: Trivia;
  /** Converted statements, once the interpreter asked for them. */
  body: Stmt[] | null;
  /** Statements converted at another place, shifted only when asked for (an incremental analysis may never ask). */
  moved?: { body: Stmt[]; delta: number };
}

function shiftPart(p: CachedPart, start: number): CachedPart {
  const d = start - p.start;
  if (d === 0) return p;
  const moved = p.body ? { body: p.body, delta: d } : p.moved && { body: p.moved.body, delta: p.moved.delta + d };
  return { start, trivia: shiftTrivia(p.trivia, d), body: null, moved };
}

/** `shift` for trivia (a part's comments and syntax errors are moved at every edit before them). */
function shiftTrivia(t: Trivia, d: number): Trivia {
  if (!t.comments.length && !t.syntaxErrors.length) return t;
  return {
    comments: t.comments.map((c) => ({ range: { start: c.range.start + d, end: c.range.end + d }, text: c.text })),
    syntaxErrors: t.syntaxErrors.map((e) => ({ range: { start: e.range.start + d, end: e.range.end + d }, message: e.message })),
  };
}

function convertPart(part: CachedPart, child: () => SyntaxNode | null, meter: Meter, names: Names, tree: TreeIdentity | undefined): Stmt[] {
  if (part.moved) return shift(part.moved.body, part.moved.delta) as Stmt[];
  const node = child();
  return node ? convertTopLevel(node, meter, names, tree) : [];
}

/** One top-level statement, read from a copy of its subtree where the tree offers one. */
function convertTopLevel(child: SyntaxNode, meter: Meter, names: Names, tree: TreeIdentity | undefined): Stmt[] {
  const c = new Converter(meter, names);
  const node = tree?.copySubtree?.(child) ?? child;
  return node.type === 'ERROR' ? c.block(node, 1) : c.stmt(node, 1) ?? [];
}

/**
 * A copy of converted statements `d` characters further on. A function's body is shifted when it
 * is first read: an imported module placed anew in every analysis (one not shared) is shifted
 * each time, and most functions of a library stub are never called (shifting them all was 10% of
 * what a check allocates).
 */
function shift(v: unknown, d: number): unknown {
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = shift(v[i], d);
    return out;
  }
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number' && keyCount(o) === 2) return { start: o.start + d, end: o.end + d };
  const out: Record<string, unknown> = {};
  for (const k in o) {
    // Read through `o`: reading `o.body` now would convert a body not yet converted.
    if (k === 'body' && o.k === 'def') shiftLater(out, o, d);
    else out[k] = shift(o[k], d);
  }
  return out;
}

/** `out.body`: `def.body` shifted by `d` when first read (an own enumerable property, as any other). */
function shiftLater(out: Record<string, unknown>, def: Record<string, unknown>, d: number): void {
  let shifted: unknown;
  Object.defineProperty(out, 'body', { get: () => (shifted ??= shift(def.body, d)), enumerable: true, configurable: true });
}

function keyCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/**
 * Comments (for suppressions and directives) and syntax errors of a subtree. Errors are
 * found by descending only into subtrees that contain one; comments, which can sit at any
 * depth, from the `#` signs of the text when the caller has it, else in one call where the
 * backend offers it.
 */
function collectTrivia(root: SyntaxNode, text?: string): Trivia {
  const syntaxErrors: Trivia['syntaxErrors'] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'ERROR') syntaxErrors.push({ range: rangeOf(n), message: 'invalid syntax' });
    else if (n.isMissing) syntaxErrors.push({ range: rangeOf(n), message: `expected '${n.type}'` });
    if (!n.hasError) continue;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  const nodes = root.type === 'comment' ? [root] : text !== undefined && root.descendantForIndex ? commentsAtHashes(root, text) : root.descendantsOfType ? root.descendantsOfType('comment') : commentNodes(root);
  const comments = nodes.filter((c): c is SyntaxNode => c !== null).map((c) => ({ range: rangeOf(c), text: c.text }));
  comments.sort((a, b) => a.range.start - b.range.start);
  syntaxErrors.sort((a, b) => a.range.start - b.range.start);
  return { comments, syntaxErrors };
}

function rangeOf(n: ReadNode): TextRange {
  return { start: n.startIndex, end: n.endIndex };
}

function namedChildren(n: ReadNode): ReadNode[] {
  const out: ReadNode[] = [];
  for (let i = 0; i < n.namedChildCount; i++) {
    const c = n.namedChild(i);
    if (c) out.push(c);
  }
  return out;
}

function children(n: ReadNode): readonly ReadNode[] {
  if (n instanceof CopiedNode) return n.children;
  const out: ReadNode[] = [];
  for (let i = 0; i < n.childCount; i++) {
    const c = n.child(i);
    if (c) out.push(c);
  }
  return out;
}

/** Children that carry meaning (skips comments, which tree-sitter puts anywhere). */
function meaningful(n: ReadNode): readonly ReadNode[] {
  if (n instanceof CopiedNode) return n.meaningfulChildren();
  return namedChildren(n).filter((c) => c.type !== 'comment');
}

/**
 * The meter of the analysis interpreting now (`chargingConversionsTo`). A function body is
 * converted when first read, and a conversion outlives the analysis that made it (kept module
 * trees, the server's cache), so a body is charged to the analysis that reads it.
 */
let runningMeter: Pick<Meter, 'charge'> | null = null;
const UNMETERED: Pick<Meter, 'charge'> = { charge: () => {} };

/** Runs `run` with the function bodies it reads for the first time charged to `meter`. Analyses run synchronously, one at a time. */
export function chargingConversionsTo<T>(meter: Meter, run: () => T): T {
  const outer = runningMeter;
  runningMeter = meter;
  try {
    return run();
  } finally {
    runningMeter = outer;
  }
}

/**
 * `header` with a body converted from `body` when first read: most functions of a file are never
 * called (on Keras 3's sources 2,210 of 15,157 bodies are read), and converting their bodies was
 * ~8% of a check. A budget exhausted while converting leaves the body to convert again at the next read.
 */
function withLazyBody(header: Omit<FunctionDef, 'body'>, body: CopiedNode, depth: number, names: Names): FunctionDef {
  let stmts: Stmt[] | null = null;
  return {
    ...header,
    get body(): Stmt[] {
      return (stmts ??= new Converter(runningMeter ?? UNMETERED, names).block(body, depth));
    },
  };
}

/**
 * One copy of each name and operator per analysis: the same identifiers (`self`, `x`, `nn`)
 * recur all over a file, and each read of a node's text is a fresh string.
 */
class Names {
  private readonly seen = new Map<string, string>();

  of(n: ReadNode | null | undefined): string {
    if (!n) return '';
    const text = n.text;
    const known = this.seen.get(text);
    if (known !== undefined) return known;
    if (text.length <= 64) this.seen.set(text, text);
    return text;
  }
}

class Converter {
  constructor(
    private readonly meter: Pick<Meter, 'charge'>,
    private readonly names: Names,
  ) {}

  block(n: ReadNode | null, depth: number): Stmt[] {
    if (!n) return [];
    const out: Stmt[] = [];
    for (const c of meaningful(n)) {
      // ERROR nodes can wrap statements that still parse; look inside them.
      if (c.type === 'ERROR') {
        out.push(...this.block(c, depth + 1));
        continue;
      }
      const s = this.stmt(c, depth + 1);
      if (s) out.push(...s);
    }
    return out;
  }

  stmt(n: ReadNode, depth: number): Stmt[] | null {
    this.meter.charge();
    const r = rangeOf(n);
    if (depth > MAX_DEPTH) return [{ k: 'other', r }];
    switch (n.type) {
      case 'expression_statement': {
        const kids = meaningful(n);
        if (kids.length === 1) {
          const e = kids[0];
          if (e.type === 'assignment') return [this.assignment(e, depth)];
          if (e.type === 'augmented_assignment') {
            return [
              {
                k: 'augassign',
                target: this.expr(e.childForFieldName('left'), depth),
                op: this.names.of(e.childForFieldName('operator')),
                value: this.expr(e.childForFieldName('right'), depth),
                r,
              },
            ];
          }
          return [{ k: 'expr', value: this.expr(e, depth), r }];
        }
        return [{ k: 'expr', value: { k: 'tuple', elts: kids.map((x) => this.expr(x, depth)), r }, r }];
      }
      case 'return_statement': {
        const kids = meaningful(n);
        const value = kids.length === 0 ? null : kids.length === 1 ? this.expr(kids[0], depth) : { k: 'tuple' as const, elts: kids.map((x) => this.expr(x, depth)), r };
        return [{ k: 'return', value, r }];
      }
      case 'function_definition':
        return [this.funcDef(n, [], depth)];
      case 'class_definition':
        return [this.classDef(n, depth)];
      case 'decorated_definition': {
        const def = n.childForFieldName('definition');
        if (!def) return [{ k: 'other', r }];
        const decorators = meaningful(n)
          .filter((c) => c.type === 'decorator')
          .map((d) => this.expr(meaningful(d)[0] ?? null, depth));
        if (def.type === 'function_definition') return [this.funcDef(def, decorators, depth)];
        if (def.type === 'class_definition') return [this.classDef(def, depth)];
        return [{ k: 'other', r }];
      }
      case 'with_statement': {
        const clause = meaningful(n).find((c) => c.type === 'with_clause');
        const items = clause
          ? meaningful(clause)
              .filter((c) => c.type === 'with_item')
              .map((it) => {
                const v = it.childForFieldName('value');
                if (v && v.type === 'as_pattern') {
                  const kids = meaningful(v);
                  const alias = v.childForFieldName('alias');
                  return { value: this.expr(kids[0] ?? null, depth), alias: alias ? this.expr(meaningful(alias)[0] ?? alias, depth) : null };
                }
                return { value: this.expr(v, depth), alias: null };
              })
          : [];
        return [{ k: 'with', items, body: this.block(n.childForFieldName('body'), depth), r }];
      }
      case 'for_statement':
        return [
          {
            k: 'for',
            target: this.expr(n.childForFieldName('left'), depth),
            iter: this.expr(n.childForFieldName('right'), depth),
            body: this.block(n.childForFieldName('body'), depth),
            orelse: this.block(n.childForFieldName('alternative')?.childForFieldName('body') ?? null, depth),
            r,
          },
        ];
      case 'while_statement':
        return [
          {
            k: 'while',
            test: this.expr(n.childForFieldName('condition'), depth),
            body: this.block(n.childForFieldName('body'), depth),
            orelse: this.block(n.childForFieldName('alternative')?.childForFieldName('body') ?? null, depth),
            r,
          },
        ];
      case 'if_statement':
        return [this.ifStmt(n, depth)];
      case 'try_statement': {
        const kids = meaningful(n);
        const handlers: Stmt[][] = [];
        let orelse: Stmt[] = [];
        let finalbody: Stmt[] = [];
        for (const c of kids) {
          if (c.type === 'except_clause' || c.type === 'except_group_clause') {
            const b = meaningful(c).find((x) => x.type === 'block') ?? null;
            handlers.push(this.block(b, depth));
          } else if (c.type === 'else_clause') orelse = this.block(c.childForFieldName('body'), depth);
          else if (c.type === 'finally_clause') finalbody = this.block(meaningful(c).find((x) => x.type === 'block') ?? null, depth);
        }
        return [{ k: 'try', body: this.block(n.childForFieldName('body'), depth), handlers, orelse, finalbody, r }];
      }
      case 'import_statement': {
        const names = meaningful(n).map((c) => {
          if (c.type === 'aliased_import') {
            return { module: c.childForFieldName('name')?.text ?? '', alias: c.childForFieldName('alias')?.text ?? null };
          }
          return { module: c.text, alias: null };
        });
        return [{ k: 'import', names, r }];
      }
      case 'import_from_statement': {
        const modNode = n.childForFieldName('module_name');
        let module = modNode?.text ?? '';
        let level = 0;
        if (modNode?.type === 'relative_import') {
          const prefix = meaningful(modNode).find((c) => c.type === 'import_prefix');
          level = prefix ? prefix.text.length : 0;
          module = meaningful(modNode).find((c) => c.type === 'dotted_name')?.text ?? '';
        }
        const star = meaningful(n).some((c) => c.type === 'wildcard_import');
        const names: { name: string; alias: string | null }[] = [];
        for (const c of meaningful(n)) {
          // Node wrappers are fresh objects per access: compare positions, not identity.
          if (modNode && c.startIndex === modNode.startIndex && c.endIndex === modNode.endIndex) continue;
          if (c.type === 'dotted_name') names.push({ name: c.text, alias: null });
          else if (c.type === 'aliased_import') {
            names.push({ name: c.childForFieldName('name')?.text ?? '', alias: c.childForFieldName('alias')?.text ?? null });
          }
        }
        return [{ k: 'from', module, level, names, star, r }];
      }
      case 'raise_statement': {
        // `raise X from Y`: the cause does not change what is raised.
        const exc = meaningful(n)[0];
        return [{ k: 'raise', exc: exc ? this.expr(exc, depth) : null, r }];
      }
      case 'assert_statement': {
        const kids = meaningful(n);
        return [{ k: 'assert', test: this.expr(kids[0] ?? null, depth), msg: kids[1] ? this.expr(kids[1], depth) : null, r }];
      }
      case 'future_import_statement':
      case 'pass_statement':
      case 'comment':
        return null;
      default:
        return [{ k: 'other', r }];
    }
  }

  /** One string literal, or several written next to each other (Python joins them). */
  private stringLiteral(pieces: readonly ReadNode[], r: TextRange, depth: number): Expr {
    const values = pieces.map(stringValue);
    if (values.every((v) => v !== null)) return { k: 'str', value: values.join(''), r };
    const parts: StrPart[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const own = values[i] ?? this.fStringParts(pieces[i], depth);
      if (own === null) return { k: 'str', value: null, r };
      parts.push(...(typeof own === 'string' ? [own] : own));
    }
    return { k: 'str', value: null, parts, r };
  }

  /**
   * The pieces of an f-string whose interpolations are plain `{expr}` or `{expr!r}`; null for
   * anything else (format specs, `!s`/`!a`, `=`, escapes), which leaves the string unknown.
   */
  private fStringParts(n: ReadNode, depth: number): StrPart[] | null {
    const kids = children(n);
    const start = kids.find((c) => c.type === 'string_start')?.text ?? '';
    if (!/[fF]/.test(start) || /[bB]/.test(start)) return null;
    const parts: StrPart[] = [];
    for (const c of kids) {
      if (c.type === 'string_content') {
        const text = /[{}]/.test(c.text) ? null : decodeEscapes(c.text);
        if (text === null) return null;
        parts.push(text);
      } else if (c.type === 'interpolation') {
        const inner = meaningful(c).filter((x) => x.type !== '{' && x.type !== '}');
        const conversion = inner[1]?.type === 'type_conversion' ? inner[1].text : null;
        if (inner.length > (conversion ? 2 : 1) || (conversion !== null && conversion !== '!r')) return null;
        parts.push({ expr: this.expr(inner[0] ?? null, depth), repr: conversion === '!r' });
      } else if (c.type !== 'string_start' && c.type !== 'string_end') return null;
    }
    return parts;
  }

  ifStmt(n: ReadNode, depth: number): Stmt {
    const r = rangeOf(n);
    const test = this.expr(n.childForFieldName('condition'), depth);
    const body = this.block(n.childForFieldName('consequence'), depth);
    // Fold `elif` clauses into nested ifs; the last `else` is the innermost orelse.
    const alts = meaningful(n).filter((c) => c.type === 'elif_clause' || c.type === 'else_clause');
    let orelse: Stmt[] = [];
    for (let i = alts.length - 1; i >= 0; i--) {
      const a = alts[i];
      if (a.type === 'else_clause') orelse = this.block(a.childForFieldName('body'), depth);
      else {
        orelse = [
          {
            k: 'if',
            test: this.expr(a.childForFieldName('condition'), depth),
            body: this.block(a.childForFieldName('consequence'), depth),
            orelse,
            r: rangeOf(a),
          },
        ];
      }
    }
    return { k: 'if', test, body, orelse, r };
  }

  assignment(n: ReadNode, depth: number): Stmt {
    const targets: Expr[] = [];
    let cur: ReadNode | null = n;
    let annotation: Expr | null = null;
    // `a = b = value` nests as assignment(left=a, right=assignment(left=b, right=value)).
    while (cur && cur.type === 'assignment') {
      targets.push(this.expr(cur.childForFieldName('left'), depth));
      const t = cur.childForFieldName('type');
      if (t) annotation = this.expr(t, depth);
      const right = cur.childForFieldName('right');
      if (!right) return { k: 'assign', targets, value: { k: 'unknown', r: rangeOf(n) }, annotation, r: rangeOf(n) };
      cur = right;
    }
    return { k: 'assign', targets, value: this.expr(cur, depth), annotation, r: rangeOf(n) };
  }

  funcDef(n: ReadNode, decorators: Expr[], depth: number): FunctionDef {
    const nameNode = n.childForFieldName('name');
    const body = n.childForFieldName('body');
    const headerEnd = body ? body.startIndex : n.endIndex;
    const header = {
      k: 'def' as const,
      name: nameNode?.text ?? '',
      params: this.params(n.childForFieldName('parameters'), depth),
      decorators,
      r: rangeOf(n),
      nameRange: nameNode ? rangeOf(nameNode) : rangeOf(n),
      headerRange: { start: n.startIndex, end: headerEnd },
    };
    // A copy is plain data and outlives the parser's tree: its body can wait until it is read.
    if (body instanceof CopiedNode) return withLazyBody(header, body, depth, this.names);
    return { ...header, body: this.block(body, depth) };
  }

  /** `lambda x, y: body` as a function whose body returns the expression. */
  lambdaDef(n: ReadNode, depth: number): FunctionDef {
    const body = n.childForFieldName('body');
    const r = rangeOf(n);
    return {
      k: 'def',
      name: '<lambda>',
      params: this.params(n.childForFieldName('parameters'), depth),
      body: [{ k: 'return', value: this.expr(body, depth), r: body ? rangeOf(body) : r }],
      decorators: [],
      r,
      nameRange: r,
      headerRange: { start: n.startIndex, end: body ? body.startIndex : n.endIndex },
    };
  }

  private params(paramsNode: ReadNode | null, depth: number): Param[] {
    const params: Param[] = [];
    if (paramsNode) {
      for (const p of meaningful(paramsNode)) {
        const pr = rangeOf(p);
        switch (p.type) {
          case 'identifier':
            params.push({ name: p.text, default: null, annotation: null, r: pr });
            break;
          case 'default_parameter':
            params.push({ name: p.childForFieldName('name')?.text ?? '', default: this.expr(p.childForFieldName('value'), depth), annotation: null, r: pr });
            break;
          case 'typed_parameter': {
            const id = meaningful(p).find((c) => c.type === 'identifier' || c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern');
            const star = id?.type === 'list_splat_pattern' ? '*' : id?.type === 'dictionary_splat_pattern' ? '**' : undefined;
            const name = star ? (id ? meaningful(id)[0]?.text ?? '' : '') : id?.text ?? '';
            params.push({ name, default: null, annotation: this.expr(p.childForFieldName('type'), depth), star, r: pr });
            break;
          }
          case 'typed_default_parameter':
            params.push({
              name: p.childForFieldName('name')?.text ?? '',
              default: this.expr(p.childForFieldName('value'), depth),
              annotation: this.expr(p.childForFieldName('type'), depth),
              r: pr,
            });
            break;
          case 'list_splat_pattern':
            params.push({ name: meaningful(p)[0]?.text ?? '', default: null, annotation: null, star: '*', r: pr });
            break;
          case 'dictionary_splat_pattern':
            params.push({ name: meaningful(p)[0]?.text ?? '', default: null, annotation: null, star: '**', r: pr });
            break;
          default:
            break;
        }
      }
    }
    return params;
  }

  classDef(n: ReadNode, depth: number): ClassDef {
    const nameNode = n.childForFieldName('name');
    const sup = n.childForFieldName('superclasses');
    return {
      k: 'class',
      name: nameNode?.text ?? '',
      bases: sup ? this.args(sup, depth) : [],
      body: this.block(n.childForFieldName('body'), depth),
      r: rangeOf(n),
      nameRange: nameNode ? rangeOf(nameNode) : rangeOf(n),
    };
  }

  args(n: ReadNode, depth: number): Arg[] {
    const out: Arg[] = [];
    for (const c of meaningful(n)) {
      const r = rangeOf(c);
      if (c.type === 'keyword_argument') {
        out.push({ name: this.names.of(c.childForFieldName('name')), value: this.expr(c.childForFieldName('value'), depth), r });
      } else if (c.type === 'list_splat') {
        out.push({ star: '*', value: this.expr(meaningful(c)[0] ?? null, depth), r });
      } else if (c.type === 'dictionary_splat') {
        out.push({ star: '**', value: this.expr(meaningful(c)[0] ?? null, depth), r });
      } else {
        out.push({ value: this.expr(c, depth), r });
      }
    }
    return out;
  }

  expr(n: ReadNode | null, depth: number): Expr {
    if (!n) return { k: 'unknown', r: { start: 0, end: 0 } };
    this.meter.charge();
    const r = rangeOf(n);
    if (depth > MAX_DEPTH) return { k: 'unknown', r };
    const d = depth + 1;
    switch (n.type) {
      case 'identifier':
        return { k: 'name', id: this.names.of(n), r };
      case 'integer': {
        const v = parseIntLiteral(n.text);
        return v === null ? { k: 'unknown', r } : { k: 'num', value: v, isFloat: false, r };
      }
      case 'float': {
        const v = Number(n.text.replace(/_/g, ''));
        return Number.isFinite(v) ? { k: 'num', value: v, isFloat: true, r } : { k: 'unknown', r };
      }
      case 'true':
        return { k: 'bool', value: true, r };
      case 'false':
        return { k: 'bool', value: false, r };
      case 'none':
        return { k: 'none', r };
      case 'ellipsis':
        return { k: 'name', id: 'Ellipsis', r };
      case 'lambda':
        return { k: 'lambda', def: this.lambdaDef(n, d), r };
      case 'string':
        return this.stringLiteral([n], r, d);
      case 'concatenated_string':
        return this.stringLiteral(meaningful(n), r, d);
      case 'type': {
        // Annotations are wrapped in a `type` node.
        const kids = meaningful(n);
        return kids.length === 1 ? this.expr(kids[0], d) : { k: 'unknown', r };
      }
      case 'generic_type': {
        // `Float[Tensor, "b 3 32 32"]` in an annotation parses as a generic type.
        const kids = meaningful(n);
        const params = kids.find((c) => c.type === 'type_parameter');
        if (!kids[0] || !params) return { k: 'unknown', r };
        const elts = meaningful(params).map((c) => this.expr(c, d));
        return { k: 'sub', obj: this.expr(kids[0], d), index: elts.length === 1 ? elts[0] : { k: 'tuple', elts, r: rangeOf(params) }, r };
      }
      case 'parenthesized_expression': {
        const kids = meaningful(n);
        return kids.length === 1 ? this.expr(kids[0], d) : { k: 'unknown', r };
      }
      case 'tuple':
      case 'expression_list':
      case 'pattern_list':
      case 'tuple_pattern':
        return { k: 'tuple', elts: meaningful(n).map((c) => this.expr(c, d)), r };
      case 'list':
      case 'list_pattern':
        return { k: 'list', elts: meaningful(n).map((c) => this.expr(c, d)), r };
      case 'set':
        return { k: 'set', elts: meaningful(n).map((c) => this.expr(c, d)), r };
      case 'dictionary':
        return {
          k: 'dict',
          items: meaningful(n).map((p) =>
            p.type === 'pair'
              ? { key: this.expr(p.childForFieldName('key'), d), value: this.expr(p.childForFieldName('value'), d) }
              : { key: null, value: this.expr(meaningful(p)[0] ?? null, d) },
          ),
          r,
        };
      case 'attribute': {
        const attr = n.childForFieldName('attribute');
        return { k: 'attr', obj: this.expr(n.childForFieldName('object'), d), name: this.names.of(attr), nameRange: attr ? rangeOf(attr) : r, r };
      }
      case 'call': {
        const argsNode = n.childForFieldName('arguments');
        const func = this.expr(n.childForFieldName('function'), d);
        if (argsNode && argsNode.type === 'generator_expression') {
          return { k: 'call', func, args: [{ value: this.expr(argsNode, d), r: rangeOf(argsNode) }], argsRange: rangeOf(argsNode), r };
        }
        return { k: 'call', func, args: argsNode ? this.args(argsNode, d) : [], argsRange: argsNode ? rangeOf(argsNode) : r, r };
      }
      case 'subscript': {
        const subs = [];
        for (let i = 0; i < n.childCount; i++) {
          if (n.fieldNameForChild?.(i) === 'subscript') {
            const c = n.child(i);
            if (c) subs.push(this.expr(c, d));
          }
        }
        if (subs.length === 0) {
          const s = n.childForFieldName('subscript');
          if (s) subs.push(this.expr(s, d));
        }
        const index: Expr = subs.length === 1 ? subs[0] : { k: 'tuple', elts: subs, r };
        return { k: 'sub', obj: this.expr(n.childForFieldName('value'), d), index, r };
      }
      case 'slice': {
        // `a:b:c` has no fields; parts are split by ':' tokens.
        const parts: (Expr | null)[] = [null, null, null];
        let slot = 0;
        for (const c of children(n)) {
          if (c.type === ':') slot++;
          else if (c.isNamed && c.type !== 'comment' && slot < 3) parts[slot] = this.expr(c, d);
        }
        return { k: 'slice', lower: parts[0], upper: parts[1], step: parts[2], r };
      }
      case 'binary_operator':
        return {
          k: 'bin',
          op: this.names.of(n.childForFieldName('operator')),
          left: this.expr(n.childForFieldName('left'), d),
          right: this.expr(n.childForFieldName('right'), d),
          r,
        };
      case 'unary_operator':
        return { k: 'unary', op: this.names.of(n.childForFieldName('operator')), operand: this.expr(n.childForFieldName('argument'), d), r };
      case 'not_operator':
        return { k: 'boolop', op: 'not', operands: [this.expr(n.childForFieldName('argument'), d)], r };
      case 'boolean_operator':
        return {
          k: 'boolop',
          op: n.childForFieldName('operator')?.text === 'or' ? 'or' : 'and',
          operands: [this.expr(n.childForFieldName('left'), d), this.expr(n.childForFieldName('right'), d)],
          r,
        };
      case 'comparison_operator': {
        const operands: Expr[] = [];
        const ops: string[] = [];
        for (const c of children(n)) {
          if (c.isNamed && c.type !== 'comment') operands.push(this.expr(c, d));
          else if (!c.isNamed) {
            // `not in` and `is not` arrive as two tokens.
            if (ops.length === operands.length) ops[ops.length - 1] += ' ' + c.type;
            else ops.push(c.type);
          }
        }
        return { k: 'compare', ops, operands, r };
      }
      case 'conditional_expression': {
        const kids = meaningful(n);
        if (kids.length !== 3) return { k: 'unknown', r };
        return { k: 'cond', body: this.expr(kids[0], d), test: this.expr(kids[1], d), orelse: this.expr(kids[2], d), r };
      }
      case 'list_splat':
        return { k: 'starred', value: this.expr(meaningful(n)[0] ?? null, d), r };
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
      case 'dictionary_comprehension': {
        const body = n.childForFieldName('body');
        const clauses = meaningful(n).filter((c) => c.type === 'for_in_clause');
        if (!body || clauses.length !== 1) return { k: 'unknown', r };
        const pair = n.type === 'dictionary_comprehension' ? [body.childForFieldName('key'), body.childForFieldName('value')] : null;
        if (pair && (!pair[0] || !pair[1])) return { k: 'unknown', r };
        const clause = clauses[0];
        const ifs = meaningful(n)
          .filter((c) => c.type === 'if_clause')
          .map((c) => this.expr(meaningful(c)[0] ?? null, d));
        return {
          k: 'comp',
          kind: n.type === 'list_comprehension' ? 'list' : n.type === 'set_comprehension' ? 'set' : pair ? 'dict' : 'tuple',
          elt: pair ? { k: 'tuple', elts: [this.expr(pair[0], d), this.expr(pair[1], d)], r: { start: body.startIndex, end: body.endIndex } } : this.expr(body, d),
          target: this.expr(clause.childForFieldName('left'), d),
          iter: this.expr(clause.childForFieldName('right'), d),
          ifs,
          r,
        };
      }
      default:
        return { k: 'unknown', r };
    }
  }
}

/**
 * The comments of `root`, found from the `#` signs of its text: every comment starts with one,
 * and the smallest node at a `#` is that comment, or a string or error holding the sign. A few
 * lookups per comment instead of a walk over every node of the tree (about 5% of a check).
 */
function commentsAtHashes(root: SyntaxNode, text: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const end = root.endIndex;
  let at = text.indexOf('#', root.startIndex);
  while (at >= 0 && at < end) {
    const n = root.descendantForIndex!(at, at + 1);
    const comment = n && n.startIndex === at && n.type === 'comment' ? n : null;
    if (comment) out.push(comment);
    at = text.indexOf('#', comment ? comment.endIndex : at + 1);
  }
  return out;
}

function commentNodes(root: SyntaxNode): SyntaxNode[] {
  // Comments are extras; they can sit at any depth. An explicit stack avoids recursion limits.
  const out: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'comment') {
      out.push(x);
      continue;
    }
    for (let i = x.childCount - 1; i >= 0; i--) {
      const c = x.child(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

const DECIMAL = /^[0-9]+$/;

function parseIntLiteral(text: string): number | null {
  if (DECIMAL.test(text)) {
    const v = Number(text);
    return Number.isSafeInteger(v) ? v : null;
  }
  const t = text.replace(/_/g, '').toLowerCase();
  let v: number;
  if (t.startsWith('0x')) v = parseInt(t.slice(2), 16);
  else if (t.startsWith('0o')) v = parseInt(t.slice(2), 8);
  else if (t.startsWith('0b')) v = parseInt(t.slice(2), 2);
  else if (DECIMAL.test(t)) v = Number(t);
  else return null;
  return Number.isSafeInteger(v) ? v : null;
}

/** The value of a plain string literal; null for f-strings or escapes we do not decode. */
function stringValue(n: ReadNode): string | null {
  const kids = children(n);
  const start = kids.find((c) => c.type === 'string_start')?.text ?? '';
  if (/[fFbB]/.test(start)) return null;
  const raw = /[rR]/.test(start);
  let out = '';
  for (const c of kids) {
    if (c.type === 'string_content') {
      // Escapes inside content are children of string_content in some grammar versions.
      const text = raw ? c.text : decodeEscapes(c.text);
      if (text === null) return null;
      out += text;
    } else if (c.type === 'escape_sequence') out += decodeEscape(c.text);
    else if (c.type === 'interpolation') return null;
  }
  return out;
}

/** The common escapes of a string's text; null when it has any other (octal, unicode...). */
export function decodeEscapes(text: string): string | null {
  let unknown = false;
  const out = text.replace(/\\(.?)/gs, (m) => {
    const d = decodeEscape(m);
    if (d === m) unknown = true;
    return d;
  });
  return unknown ? null : out;
}

function decodeEscape(s: string): string {
  const map: Record<string, string> = { '\\n': '\n', '\\t': '\t', "\\'": "'", '\\"': '"', '\\\\': '\\' };
  return map[s] ?? s;
}
