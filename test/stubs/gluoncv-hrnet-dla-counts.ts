/**
 * Parameter counts of GluonCV's HRNet classifiers and DLA-34 from per-layer formulas over their
 * architectures (the HRNet and DLA papers' configurations as GluonCV 0.10 builds them), written
 * independently of the stubs. A convolution has k * k * c_in * c_out weights (plus c_out with a
 * bias), a Dense in * out + out; a batch norm `perBn` per channel: 4 as Gluon counts (gamma, beta,
 * running mean and variance), 2 for the trainable count that model tables publish.
 * test/stubs/gluoncv-params.test.ts checks the stubs against them and the published sizes;
 * test/oracle/gluoncv-hrnet-dla-oracle.test.ts against the same networks in real PyTorch.
 */

/** [stage-1 bottlenecks, their width, modules in stages 2-4, basic blocks per branch, branch width w]. */
export type HrnetSpec = [number, number, number[], number, number];

export const HRNET_SPECS: Record<string, HrnetSpec> = {
  hrnet_w18_small_v1_c: [1, 32, [1, 1, 1], 2, 16],
  hrnet_w18_small_v2_c: [2, 64, [1, 3, 2], 2, 18],
  hrnet_w18_c: [4, 64, [1, 4, 3], 4, 18],
  hrnet_w30_c: [4, 64, [1, 4, 3], 4, 30],
  hrnet_w32_c: [4, 64, [1, 4, 3], 4, 32],
  hrnet_w40_c: [4, 64, [1, 4, 3], 4, 40],
  hrnet_w44_c: [4, 64, [1, 4, 3], 4, 44],
  hrnet_w48_c: [4, 64, [1, 4, 3], 4, 48],
  hrnet_w64_c: [4, 64, [1, 4, 3], 4, 64],
};

/**
 * The trainable parameters osmr's imgclsmob model tables publish for the same networks (HRNet-W18
 * Small V1/V2, HRNetV2-W18 ... W64, ported from HRNet-Image-Classification, whose layers GluonCV's
 * are; timm's tables round them to 13.2M ... 128.1M), and for DLA-34 with the original classifier
 * (a 1x1 convolution from the last level's 512 channels; ported from ucbdrive/dla).
 */
export const HRNET_PUBLISHED: Record<string, number> = {
  hrnet_w18_small_v1_c: 13_187_464, hrnet_w18_small_v2_c: 15_597_464, hrnet_w18_c: 21_299_004, hrnet_w30_c: 37_712_220,
  hrnet_w32_c: 41_232_680, hrnet_w40_c: 57_557_160, hrnet_w44_c: 67_064_984, hrnet_w48_c: 77_469_864, hrnet_w64_c: 128_059_944,
};
export const DLA34_PUBLISHED = 15_742_104;

/** Unbiased convolution plus batch norm. */
const cell = (perBn: number) => (k: number, cin: number, cout: number) => k * k * cin * cout + perBn * cout;

/**
 * HRNet: the two 3x3 stride-2 stem cells to 64; bottlenecks (1x1 to c/4, 3x3, 1x1 to c, a 1x1
 * projection where the width changes); per stage a 3x3 cell where a kept branch's width changes
 * and one making the new branch, then modules of `blocks` basic blocks (two 3x3 cells) per branch
 * and the fusion (into branch i: a 1x1 cell from each lower branch j; from each higher one,
 * i - j - 1 3x3 cells at j's width and one to i's); the head: a bottleneck per branch to 128, 256,
 * 512, 1024, biased 3x3 cells between them, a biased 1x1 cell to 2048 and a Dense.
 */
export function hrnet([bottlenecks, width, modules, blocks, w]: HrnetSpec, classes = 1000, perBn = 4): number {
  const c = cell(perBn);
  const bottleneck = (cin: number, cout: number) => c(1, cin, cout / 4) + c(3, cout / 4, cout / 4) + c(1, cout / 4, cout) + (cin !== cout ? c(1, cin, cout) : 0);
  let total = c(3, 3, 64) + c(3, 64, 64) + bottleneck(64, 4 * width) + (bottlenecks - 1) * bottleneck(4 * width, 4 * width);
  let before = [4 * width];
  modules.forEach((count, s) => {
    const after = Array.from({ length: s + 2 }, (_, b) => w * 2 ** b);
    before.forEach((cin, b) => { if (cin !== after[b]) total += c(3, cin, after[b]); });
    total += c(3, before[before.length - 1], after[after.length - 1]);
    let module = after.reduce((t, ch) => t + blocks * 2 * c(3, ch, ch), 0);
    after.forEach((ci, i) => after.forEach((cj, j) => {
      if (j > i) module += c(1, cj, ci);
      if (j < i) module += (i - j - 1) * c(3, cj, cj) + c(3, cj, ci);
    }));
    total += count * module;
    before = after;
  });
  const head = [128, 256, 512, 1024];
  before.forEach((cin, b) => { total += bottleneck(cin, head[b]); });
  for (let i = 0; i < 3; i++) total += c(3, head[i], head[i + 1]) + head[i + 1];
  return total + c(1, 1024, 2048) + 2048 + 2048 * classes + classes;
}

/**
 * DLA-34: the 7x7 cell to 16, a 3x3 cell (16), a 3x3 stride-2 cell (32), then trees of depth 1, 2,
 * 2, 1 to 64-512 channels (the last three also feed their input to the root): a depth-1 tree has
 * two basic blocks (two 3x3 cells each), a 1x1 projection cell where the width changes and a 1x1
 * root cell over the concatenated maps; a deeper one two subtrees, the second's root taking the
 * first's output too. A Dense over the six levels' pooled 16 + 32 + 64 + 128 + 256 + 512 features.
 */
export function dla34(classes = 1000, perBn = 4): number {
  const c = cell(perBn);
  const basic = (cin: number, cout: number) => c(3, cin, cout) + c(3, cout, cout);
  const tree = (levels: number, cin: number, cout: number, levelRoot: boolean, rootDim = 0): number => {
    const root = (rootDim || 2 * cout) + (levelRoot ? cin : 0);
    if (levels === 1) return basic(cin, cout) + basic(cout, cout) + (cin !== cout ? c(1, cin, cout) : 0) + c(1, root, cout);
    return tree(levels - 1, cin, cout, false) + tree(levels - 1, cout, cout, false, root + cout);
  };
  return c(7, 3, 16) + c(3, 16, 16) + c(3, 16, 32) + tree(1, 32, 64, false) + tree(2, 64, 128, true) + tree(2, 128, 256, true) +
    tree(1, 256, 512, true) + 1008 * classes + classes;
}

/** [get_model name, parameters, input, output] rows for the parameter test. */
export const HRNET_DLA_CASES: [string, number, string, string][] = [
  ...Object.entries(HRNET_SPECS).map(([name, spec]): [string, number, string, string] => [name, hrnet(spec), '(1, 3, 224, 224)', '(1, 1000)']),
  ['dla34', dla34(), '(2, 3, 224, 224)', '(2, 1000)'],
];
