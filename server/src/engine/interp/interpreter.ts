/** Placeholder replaced by the abstract interpreter. */
import type { Module } from '../syntax/ast';
import type { AnalyzeOptions, Diagnostic, ModelSummary, TensorFact } from '../types';

export interface InterpretResult {
  diagnostics: Diagnostic[];
  models: ModelSummary[];
  tensors: TensorFact[];
  truncated: boolean;
}

export function interpretModule(_module: Module, _text: string, _options: AnalyzeOptions): InterpretResult {
  return { diagnostics: [], models: [], tensors: [], truncated: false };
}
