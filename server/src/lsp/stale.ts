/**
 * Hovers, inlay hints and model summaries from an analysis whose text may be older than the
 * document (a newer analysis is still running): positions are mapped through the changed
 * region (text-delta.ts); whatever lies inside it has no answer until the new analysis lands.
 */
import type { Hover, InlayHint, Position, Range } from 'vscode-languageserver';
import type { Analysis } from './analysis';
import type { OpenDocument } from './documents';
import { hover } from './hover';
import { inlayHints } from './inlay-hints';
import type { ModelSummary } from '../engine/index';
import { modelAround } from './requests';
import { OffsetMap } from './text-delta';

export function hoverAt(a: Analysis, doc: OpenDocument, position: Position): Hover | null {
  if (a.text === doc.text) return hover(a, position);
  const map = new OffsetMap(a.text, doc.text);
  const old = map.toOld(doc.lines.fromLsp(position));
  if (old === undefined) return null;
  const h = hover(a, a.lines.toLsp(old));
  if (!h?.range) return h;
  const r = map.rangeToNew(a.lines.fromLsp(h.range.start), a.lines.fromLsp(h.range.end));
  return r ? { ...h, range: { start: doc.lines.toLsp(r.start), end: doc.lines.toLsp(r.end) } } : { contents: h.contents };
}

export function inlayHintsIn(a: Analysis, doc: OpenDocument, range: Range): InlayHint[] {
  if (a.text === doc.text) return inlayHints(a, range);
  const map = new OffsetMap(a.text, doc.text);
  const everywhere = { start: { line: 0, character: 0 }, end: a.lines.toLsp(a.text.length) };
  const hints: InlayHint[] = [];
  for (const hint of inlayHints(a, everywhere)) {
    const at = map.toNew(a.lines.fromLsp(hint.position));
    if (at === undefined) continue;
    const position = doc.lines.toLsp(at);
    if (position.line >= range.start.line && position.line <= range.end.line) hints.push({ ...hint, position });
  }
  return hints;
}

export function modelAt(a: Analysis, doc: OpenDocument, position: Position | undefined, name?: string): ModelSummary | null {
  if (a.text === doc.text || !position) return modelAround(a, position, name);
  const old = new OffsetMap(a.text, doc.text).toOld(doc.lines.fromLsp(position));
  return modelAround(a, old === undefined ? undefined : a.lines.toLsp(old), name);
}
