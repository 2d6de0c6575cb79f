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

module.exports = function loadBundle(file) {
  const filename = path.resolve(file);
  const cacheFile = `${filename}.cache`;
  const source = fs.readFileSync(filename, 'utf8');
  const hash = fingerprint(source);
  let cachedData;
  try {
    const file = fs.readFileSync(cacheFile);
    if (file.subarray(0, hash.length).equals(hash)) cachedData = file.subarray(hash.length);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename, cachedData });
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
};

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
