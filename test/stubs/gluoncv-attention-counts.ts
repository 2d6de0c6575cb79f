/**
 * GluonCV's Residual Attention Networks (Wang et al., "Residual Attention Network for Image
 * Classification", 2017; `gluoncv/model_zoo/residual_attentionnet.py`) by per-layer formulas,
 * independently of the engine.
 * test/oracle/gluoncv_attention_oracle.py rebuilds the networks in real PyTorch and gets the same sums.
 */

const convNoBias = (kernel: number, cin: number, cout: number) => kernel * cin * cout;
/** Gluon counts a batch norm's gamma, beta, running mean and running variance (as Caffe's BatchNorm and Scale blobs do). */
const bn = 4;

/** A pre-activation bottleneck: BN, 1x1 to c/4, BN, 3x3, BN, 1x1 to c (unbiased); a 1x1 projection where the width changes. */
function unit(c: number, cin = c): number {
  const q = c / 4;
  return bn * (cin + 2 * q) + convNoBias(1, cin, q) + convNoBias(9, q, q) + convNoBias(1, q, c) + (cin !== c ? convNoBias(1, cin, c) : 0);
}

/**
 * An attention module of width c whose mask branch has `levels` poolings (scale p, t, r): p first
 * units, t trunk units, per level r units (2r at the deepest) plus a skip and r up units on every
 * level above the deepest (2r units and no pooling when levels = 0), the last unit, and the mask
 * head (BN, 1x1, BN, 1x1).
 */
function attentionModule(c: number, levels: number, [p, t, r]: number[]): number {
  const branch = levels === 0 ? 2 * r : 2 * r + (levels - 1) * (2 * r + 1);
  return (p + t + branch + 1) * unit(c) + 2 * bn * c + 2 * convNoBias(1, c, c);
}

/** GluonCV's attention_spec: depth -> [modules per stage (m1, m2, m3), scale (p, t, r)]. */
export const ATTENTION_SPEC: Record<number, [number[], number[]]> = {
  56: [[1, 1, 1], [1, 2, 1]], 92: [[1, 2, 3], [1, 2, 1]], 128: [[2, 3, 4], [1, 2, 1]], 164: [[3, 4, 5], [1, 2, 1]],
  200: [[4, 5, 6], [1, 2, 1]], 236: [[5, 6, 7], [1, 2, 1]], 452: [[5, 6, 7], [2, 4, 3]],
};

/**
 * The ImageNet network: 7x7 stem to 64 with a BN; units to 256, 512, 1024 (the last two strided),
 * each followed by its stage's modules (3, 2, 1 poolings), a unit to 2048 and two more, a BN and
 * a biased 1x1 classifier. CIFAR: a 3x3 stem to 32, stages of 128, 256, 512 (2, 1, 0 poolings), three
 * units of 1024, a BN and the classifier.
 */
export function residualAttention(depth: number, cifar: boolean, classes: number): number {
  const [m, scale] = ATTENTION_SPEC[depth];
  const widths = cifar ? [32, 128, 256, 512, 1024] : [64, 256, 512, 1024, 2048];
  const levels = cifar ? [2, 1, 0] : [3, 2, 1];
  let total = convNoBias(cifar ? 9 : 49, 3, widths[0]) + bn * widths[0];
  for (let stage = 0; stage < 3; stage++) {
    total += unit(widths[stage + 1], widths[stage]) + m[stage] * attentionModule(widths[stage + 1], levels[stage], scale);
  }
  const top = widths[4];
  return total + unit(top, widths[3]) + 2 * unit(top) + bn * top + top * classes + classes;
}

/** [get_model name, expected parameters, input, output shape] at the networks' image sizes. */
export const ATTENTION_CASES: [string, number, string, string][] = [
  ...[56, 92, 128, 164, 200, 236, 452].map((d): [string, number, string, string] => [`residualattentionnet${d}`, residualAttention(d, false, 1000), '(1, 3, 224, 224)', '(1, 1000)']),
  ...[56, 92, 452].map((d): [string, number, string, string] => [`cifar_residualattentionnet${d}`, residualAttention(d, true, 10), '(2, 3, 32, 32)', '(2, 10)']),
];

/**
 * The paper's sizes (ImageNet; millions). It trained in Caffe, whose BatchNorm and Scale layers
 * hold a mean, variance, gamma and beta per channel, as Gluon counts them.
 */
export const ATTENTION_PUBLISHED_M: Record<string, number> = { residualattentionnet56: 31.9, residualattentionnet92: 51.3 };

/**
 * Image sizes tried on Attention-56, and the error each gives ('' where it runs): ImageNet's runs at
 * 221 to 224 px (the stem and its pool make 56x56 of them all), CIFAR's at 32 only. Real PyTorch on
 * the same layers runs exactly these (test/oracle/gluoncv-attention-oracle.test.ts).
 */
export const ATTENTION_RUN_SIZES: Record<string, [number, string][]> = {
  residualattentionnet56: [
    [112, 'Incompatible attr in node … at 1-th input: expected [1,256,14,14], got [1,256,7,7]'],
    [220, 'Incompatible attr in node … at 1-th input: expected [1,256,56,56], got [1,256,55,55]'],
    [221, ''],
    [224, ''],
    [225, 'Incompatible attr in node … at 1-th input: expected [1,256,14,14], got [1,256,15,15]'],
  ],
  cifar_residualattentionnet56: [
    [28, 'Incompatible attr in node … at 1-th input: expected [1,128,16,16], got [1,128,14,14]'],
    [31, 'Incompatible attr in node … at 1-th input: expected [1,128,32,32], got [1,128,31,31]'],
    [32, ''],
    [33, 'Incompatible attr in node … at 1-th input: expected [1,128,16,16], got [1,128,17,17]'],
  ],
};
