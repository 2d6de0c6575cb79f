/**
 * What the model layer's modules share: the interpreter host, the id counter and the stateful
 * parts (runs and their layer applications, model objects, layer objects, diagnostics,
 * summaries). Stateless concerns (symbol binding, the layout re-run, tensor values, methods,
 * input sources) are functions over this context.
 */
import type { Containers } from './containers';
import type { Diagnostics } from './diagnostics';
import type { InterpreterHost } from './interfaces';
import type { LayerObjects } from './layer-objects';
import type { Runs } from './runs';
import type { Summaries } from './summaries';

export interface ModelContext {
  readonly host: InterpreterHost;
  /** Lines of program offsets, each within its own file: to show, or only to compare (InterpreterHost.lineKey). */
  readonly lines: { lineName(offset: number): string; lineKey(offset: number): number };
  /** Ids for objects, layers, applications and symbol nodes (one sequence, so ids never collide). */
  nextId(): number;
  readonly runs: Runs;
  readonly containers: Containers;
  readonly layers: LayerObjects;
  readonly diagnostics: Diagnostics;
  readonly summaries: Summaries;
}
