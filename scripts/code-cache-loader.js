'use strict';
// Runs a CommonJS bundle with V8's code cache (Node 20 has no module.enableCompileCache).
// Compiling the ~1 MB bundles is most of shapelint's start-up; `<bundle>.cache`, written
// beside the bundle at build time by the same node, lets V8 skip it. A cache V8 rejects
// (another node version, another bundle) only costs the compile it would have cost anyway.
// With SHAPELINT_CODE_CACHE=produce the cache is (re)written after the process's first
// answer to its parent, or at exit: functions compiled by then are cached too. The cache
// starts with a fingerprint of the source it was made from (V8 itself only checks the length):
// the length and a hash of a sample of the characters, against accidents (a bundle edited by
// hand after the build; the build itself starts from an empty dist/ and writes both). Not
// against attacks: whoever can write the cache can write the bundle. Hashing all of the 1.5 MB
// CLI bundle with node:crypto took ~30 ms of a one-file check's ~0.2 s. (File times cannot
// help: installing the packed package gives every file the time it was unpacked.)
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { Module } = require('node:module');
const { isAscii } = require('node:buffer');

/** The bundles' first characters: the build writes each as the function CommonJS wraps a module in. */
const WRAPPED = '(function (exports, require, module, __filename, __dirname) {';

module.exports = loadBundle;
/** scripts/bundle.mjs writes the bundles with it. */
module.exports.WRAPPED = WRAPPED;

function loadBundle(file) {
  const filename = path.resolve(file);
  const bytes = fs.readFileSync(filename);
  const source = scriptText(bytes);
  const hash = fingerprint(source);
  const cacheFile = `${filename}.cache`;
  const script = new vm.Script(source, { filename, cachedData: readCache(cacheFile, hash, bytes) });
  if (process.env.SHAPELINT_CODE_CACHE === 'produce') produceLater(script, cacheFile, hash);
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(path.dirname(filename));
  const wrapper = script.runInThisContext();
  const req = (id) => mod.require(id);
  req.resolve = (id) => Module._resolveFilename(id, mod);
  req.main = require.main;
  wrapper.call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
  mod.loaded = true;
  return mod.exports;
}

/*
 * Start-up on some virtual machines is bound by first touches of fresh memory (~16 us a page
 * measured, so ~4 ms per MB), which is why the bundle is read as it is: ASCII, as the build
 * writes it, reads as a one-byte string through latin1 (half the memory of a UTF-8 decode's
 * two-byte string); a bundle the build already wrapped is compiled without the copy
 * `Module.wrap` would make; and the cache is read into the bundle's bytes, no longer needed.
 */

/** The bundle's bytes as a script whose value is the module's wrapper function. */
function scriptText(bytes) {
  const text = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString('utf8');
  return text.startsWith(WRAPPED) ? text : Module.wrap(text);
}

/** The code cache made from the text with this fingerprint, read into `spare` when it fits. */
function readCache(cacheFile, hash, spare) {
  let fd;
  try {
    fd = fs.openSync(cacheFile, 'r');
    const size = fs.fstatSync(fd).size;
    const data = size <= spare.length ? spare.subarray(0, size) : Buffer.allocUnsafe(size);
    if (fs.readSync(fd, data, 0, size, 0) !== size) return undefined;
    return data.subarray(0, hash.length).equals(hash) ? data.subarray(hash.length) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** 32 bytes: the source's length and an FNV-1a hash of every 61st character. */
function fingerprint(source) {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i += 61) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
  return Buffer.from(`shapelint-cc ${source.length} ${(h >>> 0).toString(16)}`.padEnd(32).slice(0, 32));
}

function produceLater(script, cacheFile, hash) {
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    fs.writeFileSync(cacheFile, Buffer.concat([hash, script.createCachedData()]));
  };
  process.on('exit', write);
  if (process.send) {
    const send = process.send.bind(process);
    process.send = (...args) => {
      write();
      return send(...args);
    };
  }
}
