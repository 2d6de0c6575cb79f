/**
 * Data read from files and libraries the catalogue does not model (NumPy and pandas readers,
 * pickles, HDF5, images): arrays of unknown shape. They are still arrays, so what a script
 * does next (`.reshape(-1, 28, 28, 1)`, `np.expand_dims`, `.astype`, indexing, `.values`)
 * keeps the dims it writes: `np.load('x.npy').reshape(-1, 28, 28, 1)` is `(?, 28, 28, 1)`.
 * A reader's result never gets a dim the code does not show.
 */
import { tensor, type LayerDef } from '../types';

/** Readers whose result is an array (or a table, a dataset or an image used as one) of unknown shape. */
const READERS = [
  'numpy.load',
  'numpy.loadtxt',
  'numpy.genfromtxt',
  'numpy.fromfile',
  'numpy.frombuffer',
  'pandas.read_csv',
  'pandas.read_table',
  'pandas.read_excel',
  'pandas.read_json',
  'pandas.read_parquet',
  'pandas.read_pickle',
  'pandas.read_hdf',
  'pandas.DataFrame',
  'pickle.load',
  'pickle.loads',
  'joblib.load',
  'h5py.File',
  'cv2.imread',
  'cv2.resize',
  'cv2.cvtColor',
  'PIL.Image.open',
  'imageio.imread',
  'imageio.v2.imread',
  'skimage.io.imread',
  'matplotlib.pyplot.imread',
];

export const loadLayers: LayerDef[] = [
  {
    framework: 'gluon',
    names: READERS,
    params: [],
    kind: 'op',
    apply: () => ({ output: tensor(null, 'numpy') }),
  },
];

/**
 * Attributes of a table (or an array of unknown shape standing for one) that are arrays again:
 * `df.values`, `df.iloc[:, :-1]`, `df.loc[...]`. Only asked for receivers of unknown shape.
 */
export const TABLE_ARRAY_ATTRIBUTES: ReadonlySet<string> = new Set(['values', 'iloc', 'loc']);
