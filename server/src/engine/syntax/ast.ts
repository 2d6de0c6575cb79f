/**
 * A small, backend-independent Python AST: just the constructs the shape interpreter reads.
 * Everything else becomes `unknown` (expressions) or `other` (statements), so half-typed code
 * still yields a tree. Ranges are UTF-16 offsets into the source.
 */
import type { TextRange } from '../types';

export type Expr =
  | { k: 'name'; id: string; r: TextRange }
  | { k: 'num'; value: number; isFloat: boolean; r: TextRange }
  /** A string literal; an f-string has `value` null and, when every piece is plain, its `parts`. */
  | { k: 'str'; value: string | null; parts?: StrPart[]; r: TextRange }
  | { k: 'bool'; value: boolean; r: TextRange }
  | { k: 'none'; r: TextRange }
  | { k: 'tuple' | 'list' | 'set'; elts: Expr[]; r: TextRange }
  | { k: 'dict'; items: { key: Expr | null; value: Expr }[]; r: TextRange }
  | { k: 'attr'; obj: Expr; name: string; nameRange: TextRange; r: TextRange }
  | { k: 'call'; func: Expr; args: Arg[]; argsRange: TextRange; r: TextRange }
  | { k: 'sub'; obj: Expr; index: Expr; r: TextRange }
  | { k: 'slice'; lower: Expr | null; upper: Expr | null; step: Expr | null; r: TextRange }
  | { k: 'bin'; op: string; left: Expr; right: Expr; r: TextRange }
  | { k: 'unary'; op: string; operand: Expr; r: TextRange }
  | { k: 'starred'; value: Expr; r: TextRange }
  | { k: 'cond'; test: Expr; body: Expr; orelse: Expr; r: TextRange }
  | { k: 'compare'; ops: string[]; operands: Expr[]; r: TextRange }
  | { k: 'boolop'; op: 'and' | 'or' | 'not'; operands: Expr[]; r: TextRange }
  /** `kind: 'dict'`: `elt` is the `(key, value)` tuple of each entry. */
  | { k: 'comp'; kind: 'list' | 'tuple' | 'set' | 'dict'; elt: Expr; target: Expr; iter: Expr; ifs: Expr[]; r: TextRange }
  | { k: 'lambda'; def: FunctionDef; r: TextRange }
  | { k: 'unknown'; r: TextRange };

/** A piece of an f-string: literal text, or an interpolated expression (`{x}` or `{x!r}`). */
export type StrPart = string | { expr: Expr; repr: boolean };

export interface Arg {
  /** Keyword name, or undefined for positional. */
  name?: string;
  star?: '*' | '**';
  value: Expr;
  r: TextRange;
}

export interface Param {
  name: string;
  default: Expr | null;
  annotation: Expr | null;
  star?: '*' | '**';
  r: TextRange;
}

export interface FunctionDef {
  k: 'def';
  name: string;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  r: TextRange;
  nameRange: TextRange;
  /** Range of the `def ...:` header line, for directives. */
  headerRange: TextRange;
}

export interface ClassDef {
  k: 'class';
  name: string;
  bases: Arg[];
  body: Stmt[];
  r: TextRange;
  nameRange: TextRange;
}

export type Stmt =
  | { k: 'assign'; targets: Expr[]; value: Expr; annotation: Expr | null; r: TextRange }
  | { k: 'augassign'; target: Expr; op: string; value: Expr; r: TextRange }
  | { k: 'expr'; value: Expr; r: TextRange }
  | { k: 'return'; value: Expr | null; r: TextRange }
  | FunctionDef
  | ClassDef
  | { k: 'with'; items: { value: Expr; alias: Expr | null }[]; body: Stmt[]; r: TextRange }
  | { k: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[]; r: TextRange }
  | { k: 'while'; test: Expr; body: Stmt[]; orelse: Stmt[]; r: TextRange }
  | { k: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[]; r: TextRange }
  | { k: 'try'; body: Stmt[]; handlers: Stmt[][]; orelse: Stmt[]; finalbody: Stmt[]; r: TextRange }
  | { k: 'import'; names: { module: string; alias: string | null }[]; r: TextRange }
  | { k: 'from'; module: string; level: number; names: { name: string; alias: string | null }[]; star: boolean; r: TextRange }
  | { k: 'raise'; exc: Expr | null; r: TextRange }
  | { k: 'assert'; test: Expr; msg: Expr | null; r: TextRange }
  | { k: 'other'; r: TextRange };

/** A top-level statement (or a few, for an ERROR node wrapping several), converted on demand. */
export interface LazyStatement {
  readonly start: number;
  readonly end: number;
  /** Its text, when the converter has it (the same string while the statement is unchanged: a cheap cache key). */
  readonly text?: string;
  convert(): Stmt[];
}

export interface Module {
  /** Top-level statements in order, each converted only when the interpreter reaches it. */
  body: Iterable<LazyStatement>;
  comments: { range: TextRange; text: string }[];
  syntaxErrors: { range: TextRange; message: string }[];
}
