/** Model summaries: one per model, with every layer application of its run and the parameter totals. */
import type { ModelSummary } from '../../types';
import type { ObjectValue, TensorVal } from '../values';
import type { ModelContext } from './context';
import type { Run } from './runs';

export class Summaries {
  private readonly summariesOut: ModelSummary[] = [];
  private readonly summarized = new Set<number>();

  constructor(private readonly ctx: ModelContext) {}

  push(run: Run, obj: ObjectValue, inputs: TensorVal[]): void {
    if (this.summarized.has(obj.id)) return;
    this.summarized.add(obj.id);
    const apps = this.ctx.runs.apps;
    const layers = run.apps.map((id) => apps.get(id)!.app);
    const seen = new Set<number>();
    let total: number | null = 0;
    let trainable: number | null = 0;
    for (const id of run.apps) {
      const rec = apps.get(id)!;
      if (seen.has(rec.layerId)) continue;
      seen.add(rec.layerId);
      total = rec.app.params === null || total === null ? null : total + rec.app.params;
      trainable = rec.app.trainableParams === null || trainable === null ? null : trainable + rec.app.trainableParams;
    }
    this.summariesOut.push({
      name: obj.varName ?? obj.cls?.def.name ?? obj.container ?? 'model',
      framework: obj.framework ?? 'torch',
      // A user class's model is where the class is written; containers where they are built.
      range: obj.cls ? obj.cls.def.nameRange : obj.range,
      inputShapes: inputs.map((t) => t.shape),
      inputSource: inputs[0]?.origin ?? null,
      layers,
      totalParams: total,
      trainableParams: trainable,
      nonTrainableParams: total !== null && trainable !== null ? total - trainable : null,
    });
  }

  all(): ModelSummary[] {
    return this.summariesOut;
  }
}
