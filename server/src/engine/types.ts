/**
 * Public data types of the engine. Nothing here knows about LSP, terminals or files:
 * offsets are UTF-16 code-unit offsets into the analysed text (what JavaScript strings use);
 * `positions.ts` is the one place that converts them to lines and columns.
 */
import type { CellSpan } from './positions';
import type { RuleName } from './rules/index';
import type { Severity } from './rules/rule';
import type { ConversionCache } from './syntax/convert';
import type { ParsedTree, PythonParser } from './syntax/tree';
import type { SharedModules } from './interp/shared-modules';

export type { Severity };

/** A half-open span [start, end) of UTF-16 code units in the source text. */
export interface TextRange {
  start: number;
  end: number;
}

export type Framework = 'keras' | 'gluon' | 'torch' | 'mxsym';

/** One text replacement. `range` refers to the text the diagnostic was computed on. */
export interface TextEdit {
  range: TextRange;
  newText: string;
}

/**
 * A fix carried by a diagnostic. `safe` fixes keep the program's meaning apart from removing
 * the error; `unsafe` fixes change behaviour (e.g. transposing the input) and need a human.
 */
export interface Fix {
  title: string;
  applicability: 'safe' | 'unsafe';
  edits: TextEdit[];
}

export interface RelatedLocation {
  range: TextRange;
  message: string;
  /** The module file the range is in (`ModuleSource.path`); absent means the analysed text. */
  file?: string;
}

export interface Diagnostic {
  /** Stable code such as `SL001`. */
  code: string;
  /** Rule name such as `kernel-exceeds-input`. */
  rule: RuleName;
  severity: Severity;
  /** The framework's own error text, with the real numbers, as the first line. */
  message: string;
  /** Why it happens: the shape trace, one step per line. */
  explanation: string[];
  /** Where the framework would raise. */
  range: TextRange;
  related: RelatedLocation[];
  /** Candidate fixes, best first. */
  fixes: Fix[];
  framework?: Framework;
  /**
   * The module file the range and fixes are in (`ModuleSource.path`), when the failing layer is
   * in a module the analysed file imports; absent means the analysed text.
   */
  file?: string;
}

/**
 * A known dimension size, the batch symbol `N`, a named symbol (from a directive or a jaxtyping
 * annotation), or `null` when unknown. No operation turns `null` into a number: only a source
 * the code shows can make a dim known.
 */
export type Dim = number | string | null;

/**
 * A tensor shape. When `open` is true the rank is unknown: `dims` are the trailing
 * dimensions and any number of leading dimensions may precede them.
 */
export interface Shape {
  dims: Dim[];
  open: boolean;
}

/** Arithmetic that produced one axis of a layer's output, for hovers. */
export interface AxisTrace {
  axis: string;
  formula: string;
}

/** A layer as applied in a model, for summaries, hovers and inlay hints. */
export interface LayerApplication {
  /** Layer name as the framework would show it in a summary (`conv2d_1`, `conv0`, `0`). */
  name: string;
  /** Layer class, e.g. `Conv2D`. */
  type: string;
  framework: Framework;
  /** Where the layer object was constructed. */
  definedAt: TextRange;
  /** Where it is applied (the call in forward/call, or the construction for containers). */
  appliedAt: TextRange;
  inputShapes: (Shape | null)[];
  outputShape: Shape | null;
  /** Axis names for the output, e.g. ['N','C','H','W'], when known. */
  axisNames: string[] | null;
  layout: string | null;
  layoutSource: string | null;
  params: number | null;
  trainableParams: number | null;
  trace: AxisTrace[];
  /** True when this application reuses a layer (parameters shared, not counted again). */
  reused: boolean;
  /** The module file the ranges are in, when not the summary's own file (`ModuleSource.path`). */
  file?: string;
  /** The layer's arguments, defaults applied, as plain values; one the code does not show is absent (for `shapelint port`: only with `recordOps`). */
  args?: Record<string, PlainArg>;
  /** Per input tensor: the index in the run's layers of the application that made it, -1 for the model's input, null when not traceable. */
  inputsFrom?: (number | null)[];
  /**
   * Layers of a model built by a library stub: the stub's part this layer belongs to (ResNet's
   * `layer1`, a Keras application's stage), absent for a layer of the model's own top level.
   */
  block?: string;
  /**
   * Only when ops are recorded (`shapelint port`), for a PyTorch or Gluon model object: the
   * layer's module path in the model (`features.3`, `block1.conv`), which names its saved parameters;
   * for an MXNet symbol op, the `name=` it was given (`conv1` → `conv1_weight`).
   */
  path?: string;
}

/** A library model used inside a user's model (a backbone): one block row of the user's summary. */
export interface BackboneSummary {
  /** The `block` of its layers: where the user's model holds it (`backbone`, `features`) or its variable. */
  block: string;
  /** The library constructor the user called (`resnet18`, `MobileNetV2`). */
  library: string;
  /** What the library model was called with and returned in this run, when known. */
  inputShape: Shape | null;
  outputShape: Shape | null;
}

/** A plain argument value (JSON-safe). */
export type PlainArg = number | string | boolean | null | PlainArg[];

export interface ModelSummary {
  name: string;
  framework: Framework;
  /** Where the model is defined (class, Sequential call or Model(...) call). */
  range: TextRange;
  inputShapes: (Shape | null)[];
  /** Where the input shape came from, when known. */
  inputSource: TextRange | null;
  layers: LayerApplication[];
  /**
   * For each layer, the layers whose outputs it consumes, as indices into `layers`; -1 stands for
   * the model's input. Branches and merges (residual adds, concatenations) show as several entries.
   */
  layerInputs: number[][];
  /**
   * Built by a library stub (torchvision, keras.applications...): its layers' positions are the
   * user's call that built it (the stub's own are never shown), and they carry their `block`.
   */
  library?: boolean;
  /** Library models used as backbones inside this (user's) model, one block each. */
  backbones?: BackboneSummary[];
  /**
   * Only when ops are recorded (`shapelint port`): what the model returned, as the index in
   * `layers` of the application that made it (null when not traceable), and its shape.
   */
  output?: { from: number | null; shape: Shape | null };
  totalParams: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
}

/** A shape known for a program variable at one point, for hovers on tensors. */
export interface TensorFact {
  range: TextRange;
  name: string;
  shape: Shape;
  /** A read of the variable (hovers), rather than the assignment that bound it (hints too). */
  use?: boolean;
  /** Element type when an input source fixes it ('float32', 'int64', ...). */
  dtype?: string;
}

export interface SyntaxProblem {
  range: TextRange;
  message: string;
}

export interface AnalysisResult {
  diagnostics: Diagnostic[];
  models: ModelSummary[];
  tensors: TensorFact[];
  syntaxErrors: SyntaxProblem[];
  /** Comments (range and text) for suppressions and directives. */
  comments: { range: TextRange; text: string }[];
  /**
   * Set when the analysis stopped early because a budget ran out; results are partial and an
   * `analysis-incomplete` diagnostic says which budget and where.
   */
  truncated: boolean;
  /** The modules the analysis read (project modules and stubs), for cache keys and dependents. */
  imports?: ImportedModule[];
  /**
   * What the analysis learnt inside imported project modules (ranges local to each), for hovers
   * and inlay hints there: the shapes the entry file's runs gave them.
   */
  elsewhere?: ElsewhereFacts[];
}

/** What an analysis learnt inside one imported project module, ranges local to it. */
export interface ElsewhereFacts {
  file: string;
  tensors: TensorFact[];
  models: ModelSummary[];
  /** The module's comments, for its suppression comments. */
  comments: { range: TextRange; text: string }[];
}

export interface ImportedModule {
  name: string;
  path: string;
  stub: boolean;
}

/**
 * One module as the host found it for a dotted name: a project file, a package's
 * `__init__.py`, a namespace package (a folder without one: no text) or a library stub.
 */
export interface ModuleSource {
  /** How the host names the file (its path); the engine only hands it back. */
  path: string;
  text: string;
  /** A package (`__init__.py` or a namespace folder): relative imports start at the module itself. */
  isPackage: boolean;
  /** A library-model stub (`server/stubs/`): its diagnostics go to the user's call site. */
  stub: boolean;
  /** The host's content hash of `text` (shared module evaluations are keyed by it; absent: the text itself). */
  hash?: string;
}

/**
 * What the host offers for imports (the engine never reads files): the module a dotted name
 * resolves to, project first, then a stub. `undefined` means not a project module or stub
 * (a framework the engine knows, or an unknown library).
 */
export interface ModuleProvider {
  parser: PythonParser;
  find(name: string): ModuleSource | undefined;
  /**
   * Optional: a tree of `source.text` the host keeps (and disposes) itself, with a conversion
   * cache, so a module many files import is parsed once per process rather than once per file.
   */
  parsed?(source: ModuleSource): { tree: ParsedTree; conversions: ConversionCache } | undefined;
  /**
   * Optional: the process's store of module evaluations shared between analyses
   * (`interp/shared-modules.ts`); only with `parsed` (a shared evaluation keeps its syntax).
   */
  shared?: SharedModules;
}

/**
 * Limits on one file's analysis (defaults in `budget.ts`, documented in docs/ci.md). Past the
 * time or step budget the analysis stops with partial results; a value larger than a size cap
 * becomes unknown.
 */
export interface AnalysisBudgets {
  /** Wall-clock milliseconds per file (needs `clock`). */
  timeMs?: number;
  /** Interpreter steps: statements, expressions, and the work inside builtins and operators. */
  steps?: number;
  /** Longest list, tuple or dict the interpreter tracks. */
  maxItems?: number;
  /** Longest string the interpreter tracks. */
  maxChars?: number;
}

export type KerasDataFormat = 'channels_last' | 'channels_first';

/**
 * The Keras generations whose layer signatures read the same code differently:
 * Keras 1; multi-backend Keras 2.0–2.3 (converts Keras 1 calls, with a warning);
 * Keras 2.4+ and tf.keras up to TF 2.15; Keras 3 (also tf.keras from TF 2.16).
 */
export type KerasVersion = 'keras1' | 'keras2.0-2.3' | 'keras2.4+' | 'keras3';

export const KERAS_VERSIONS: readonly KerasVersion[] = ['keras1', 'keras2.0-2.3', 'keras2.4+', 'keras3'];

/** How a version group reads a layer call: Keras 1 spellings, Keras 2.4+ / tf.keras 2, or Keras 3. */
export type KerasSemantics = 'legacy' | 'keras2' | 'keras3';

/** The version group one analysis run follows; `semantics()` records that a layer asked. */
export interface KerasVersionProbe {
  semantics(): KerasSemantics;
  /** Every candidate version of this analysis (all readings), most likely first; reading it does not count as asking. */
  readonly candidates?: readonly KerasVersion[];
}

export interface AnalyzeOptions {
  /** Keras' global image_data_format (from keras.json or config). */
  kerasDataFormat?: KerasDataFormat;
  /** Keras backend from keras.json (`mxnet` for keras-mxnet, whose errors are MXNet's). */
  kerasBackend?: string;
  /** Where `kerasDataFormat` came from, for explanations (e.g. "keras.json at ~/.keras"). */
  kerasDataFormatSource?: string;
  /** Extra input shapes per model name (config), batch included, e.g. { model: [32, 3, 224, 224] }. */
  inputShapes?: Record<string, (number | null)[]>;
  /**
   * Keras versions the code may run on (the `keras-version` setting or the project's pinned
   * requirements); absent means any. A verdict that differs between them becomes a warning.
   */
  kerasVersions?: KerasVersion[];
  /** Where `kerasVersions` came from, for explanations (e.g. "requirements.txt: keras==2.2.4"). */
  kerasVersionSource?: string;
  /** Set by the engine for each version run, never by hosts. */
  kerasProbe?: KerasVersionProbe;
  /** Overrides of the default budgets. */
  budgets?: AnalysisBudgets;
  /** For a notebook's program (notebook.ts): its cells, so explanations say `cell 3, line 4`. */
  cells?: CellSpan[];
  /**
   * Called at each loss or `fit` call a target sink looked at, with whether both shapes were
   * known enough to decide (the bench's reach report). Not plain data, like `clock`.
   */
  onTargetCheck?: (site: TextRange, checked: boolean) => void;
  /**
   * Offsets below this are library stub code (a stub module's text followed by the user's
   * snippet, analysed as one program): its raises become diagnostics at the user's call.
   */
  stubCodeEnd?: number;
  /** Also list functional ops applied inside a model run (`F.relu(x)`, `x.view(...)`) in its summary (for `shapelint port`). */
  recordOps?: boolean;
  /**
   * A monotonic clock in milliseconds (the host passes `performance.now`); without it there is
   * no time budget. Not plain data: hosts add it just before calling the engine.
   */
  clock?: () => number;
  /**
   * Asked as often as the clock: true when the host no longer needs this analysis (a newer edit
   * arrived). The analysis then ends as its time budget ends; the host discards the result.
   */
  cancelled?: () => boolean;
  /** Imports of project modules and stubs (absent: single-file analysis). Not plain data. */
  modules?: ModuleProvider;
  /** The analysed file's own dotted module name, for relative imports and import cycles. */
  moduleName?: string;
  /** The analysed file is a package's `__init__.py`. */
  isPackage?: boolean;
}
