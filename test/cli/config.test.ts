/** Configuration files, inline overrides, errors, and the Keras data format's origin. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { globMatches } from '../../server/src/host/globs';
import { cli, NAIVE_PORT, projectsRemovedAfter, REPO } from './helpers';

const naive = readFileSync(NAIVE_PORT, 'utf8');
const kerasModel = readFileSync(path.join(REPO, 'examples', 'keras_mxnet_channels_first', 'model.py'), 'utf8');
const tmp = projectsRemovedAfter();

async function codes(root: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const r = await cli(['check', '--no-cache', '--output-format', 'json', ...args], root, env);
  assert.ok(r.code < 2, r.stderr);
  return (JSON.parse(r.stdout) as { code: string; filename: string }[]).map((d) => `${path.relative(root, d.filename)}:${d.code}`);
}

describe('config: selection', () => {
  it('[tool.shapelint] ignore in pyproject.toml, closest config wins', async () => {
    const root = tmp({
      'pyproject.toml': '[tool.shapelint]\nignore = ["SL005", "SL001"]\n',
      'a.py': naive,
      'sub/shapelint.toml': 'select = ["ALL"]\n',
      'sub/b.py': naive,
    });
    const found = await codes(root);
    assert.equal(found.length, 1);
    assert.match(found[0], /^sub\/b\.py:SL00\d$/);
  });
  it('a pyproject.toml without the table is skipped in the search', async () => {
    const root = tmp({ '.shapelint.toml': 'ignore = ["layout-mismatch", "kernel-exceeds-input"]\n', 'sub/pyproject.toml': '[project]\nname = "x"\n', 'sub/a.py': naive });
    assert.deepEqual(await codes(root), []);
  });
  it('per-file-ignores, extend and extend-select', async () => {
    const root = tmp({
      'base.toml': 'per-file-ignores = { "legacy/*.py" = ["SL001", "SL005"] }\n',
      'shapelint.toml': 'extend = "base.toml"\nselect = ["SL100"]\nextend-select = ["SL001", "SL005"]\n',
      'legacy/old.py': naive,
      'new.py': naive,
    });
    const found = await codes(root);
    assert.equal(found.length, 1);
    assert.match(found[0], /^new\.py:/);
  });
  it('exclude and extend-exclude; explicit files are checked unless --force-exclude', async () => {
    const root = tmp({ 'shapelint.toml': 'extend-exclude = ["gen"]\n', 'gen/x.py': naive, 'build/y.py': naive, 'ok.py': 'x = 1\n' });
    assert.deepEqual(await codes(root), []);
    assert.equal((await codes(root, ['gen/x.py'])).length, 1);
    assert.deepEqual(await codes(root, ['--force-exclude', 'gen/x.py']), []);
  });
  it('.gitignore is honoured (and --no-respect-gitignore turns it off)', async () => {
    const root = tmp({ '.gitignore': 'ignored/\n', 'ignored/x.py': naive, '.git/HEAD': '' });
    assert.deepEqual(await codes(root), []);
    assert.equal((await codes(root, ['--no-respect-gitignore'])).length, 1);
  });
  it('--select/--ignore flags and inline --config override the file; --isolated ignores it', async () => {
    const root = tmp({ 'shapelint.toml': 'ignore = ["SL001", "SL005"]\n', 'a.py': naive });
    assert.deepEqual(await codes(root), []);
    assert.equal((await codes(root, ['--config', 'ignore = []'])).length, 1);
    assert.equal((await codes(root, ['--isolated'])).length, 1);
    assert.deepEqual(await codes(root, ['--isolated', '--ignore', 'SL0']), []);
  });
  it('--config PATH applies one file to everything', async () => {
    const root = tmp({ 'ci.toml': 'ignore = ["ALL"]\n', 'sub/shapelint.toml': 'select = ["ALL"]\n', 'sub/a.py': naive });
    assert.deepEqual(await codes(root, ['--config', 'ci.toml']), []);
  });
});

describe('config: exclude patterns (Ruff-style: a name matches any component, a path matches from its base)', () => {
  // Literal patterns take a string comparison, the others picomatch: both must read the same.
  // `alone`: the entry alone, as discovery asks once its folders were asked about.
  const cases: [glob: string, rel: string, expected: boolean, alone?: 'alone'][] = [
    ['build', 'build', true],
    ['build', 'src/build/x.py', true],
    ['build', 'src/builder/x.py', false],
    ['build', 'Build/x.py', false],
    ['a.b', 'a.b/x.py', true],
    ['a.b', 'axb/x.py', false],
    ['./gen/', 'gen/x.py', true],
    ['gen/old', 'gen/old/x.py', true],
    ['gen/old', 'src/gen/old/x.py', false],
    ['gen/*.py', 'gen/x.py', true],
    ['gen/*.py', 'gen/sub/x.py', false],
    ['*_pb2.py', 'api/m_pb2.py', true],
    ['.venv', 'a/.venv/lib/x.py', true],
    ['x$y', 'x$y/a.py', true],
    ['x$y', 'xy/a.py', false],
    ['build', 'src/build', true, 'alone'],
    ['build', 'build/x.py', false, 'alone'],
    ['*_pb2.py', 'api/m_pb2.py', true, 'alone'],
    ['gen/old', 'gen/old', true, 'alone'],
    ['gen/old', 'src/gen/old', false, 'alone'],
  ];
  for (const [glob, rel, expected, alone] of cases) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${rel}${alone ? ', the entry alone' : ''}`, () => {
      assert.equal(globMatches({ glob, base: '/p' }, `/p/${rel}`, !alone), expected);
    });
  }
});

describe('config: errors (exit 2, message names file, key and expected value)', () => {
  const cases: [string, Record<string, string>, string[], RegExp][] = [
    ['unknown key', { 'shapelint.toml': 'selct = ["SL001"]\n' }, [], /shapelint\.toml: unknown key `selct`; expected one of: select/],
    ['unknown rule', { 'pyproject.toml': '[tool.shapelint]\nignore = ["SL999"]\n' }, [], /pyproject\.toml \[tool\.shapelint\]: invalid value for `ignore`: expected rule codes or names .* got "SL999"/],
    ['wrong type', { 'shapelint.toml': 'select = "SL001"\n' }, [], /invalid value for `select`: expected an array of rule codes/],
    ['bad data format', { 'shapelint.toml': 'keras-data-format = "NHWC"\n' }, [], /`keras-data-format`: expected "channels_last" or "channels_first", got "NHWC"/],
    ['bad input shape', { 'shapelint.toml': 'input-shapes = { "a.py:model" = [32, 0] }\n' }, [], /`input-shapes\."a\.py:model"`: expected an array of positive integers/],
    ['invalid TOML', { 'shapelint.toml': 'select = [\n' }, [], /shapelint\.toml: invalid TOML/],
    ['extend cycle', { 'shapelint.toml': 'extend = "b.toml"\n', 'b.toml': 'extend = "shapelint.toml"\n' }, [], /`extend` cycle/],
    ['missing --config file', {}, ['--config', 'nope.toml'], /cannot read config file nope\.toml/],
    ['bad inline override', {}, ['--config', 'select = [SL001'], /--config "select = \[SL001": not a TOML/],
    ['bad --select', {}, ['--select', 'SL001,bogus'], /command line: invalid value for `select`.* got "bogus"/],
  ];
  for (const [name, files, args, message] of cases) {
    it(name, async () => {
      const root = tmp({ ...files, 'a.py': naive });
      const r = await cli(['check', '--no-cache', ...args], root);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }
});

describe('Keras data format', () => {
  async function layout(root: string, file: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<string> {
    const r = await cli(['check', '--no-cache', '--output-format', 'json', ...args, file], root, env);
    const d = (JSON.parse(r.stdout) as { explanation: string[] }[])[0];
    return d ? d.explanation.join('\n') : 'clean';
  }
  it('a project-local keras.json beside the file sets channels_first, named by relative path', async () => {
    const root = tmp({ 'proj/keras.json': '{"image_data_format": "channels_first"}', 'proj/model.py': kerasModel });
    assert.match(await layout(root, 'proj/model.py'), /channels_first \(proj\/keras\.json\)/);
  });
  it('the config beats keras.json', async () => {
    const root = tmp({ 'proj/keras.json': '{"image_data_format": "channels_first"}', 'proj/model.py': kerasModel, 'shapelint.toml': 'keras-data-format = "channels_last"\n' });
    assert.equal(await layout(root, 'proj/model.py'), 'clean');
  });
  it('$KERAS_HOME, then ~/.keras, then channels_last; the machine\'s own files never matter', async () => {
    const root = tmp({ 'model.py': kerasModel, 'kh/keras.json': '{"image_data_format": "channels_first"}', 'home/.keras/keras.json': '{"image_data_format": "channels_first"}' });
    assert.match(await layout(root, 'model.py', { KERAS_HOME: path.join(root, 'kh') }), /\$KERAS_HOME\/keras\.json/);
    assert.match(await layout(root, 'model.py', { HOME: path.join(root, 'home') }), /~\/\.keras\/keras\.json/);
    assert.equal(await layout(root, 'model.py', { HOME: path.join(root, 'nowhere') }), 'clean');
    assert.equal(await layout(root, 'model.py', { HOME: path.join(root, 'home'), KERAS_HOME: path.join(root, 'empty') }), 'clean', 'KERAS_HOME replaces ~/.keras');
  });
  it('an inline override names --config as the source', async () => {
    const root = tmp({ 'model.py': kerasModel });
    assert.match(await layout(root, 'model.py', {}, ['--config', 'keras-data-format = "channels_first"']), /channels_first \(--config\)/);
  });
});
