'use strict';
// Runs a CommonJS bundle with V8's code cache (Node 20 has no module.enableCompileCache).
// Compiling the ~1 MB bundles is most of shapelint's start-up; `<bundle>.cache`, written
// beside the bundle at build time by the same node, lets V8 skip it. A cache V8 rejects
// (another node version, another bundle) only costs the compile it would have cost anyway.
// With SHAPELINT_CODE_CACHE=produce the cache is (re)written after the process's first
// answer to its parent, or at exit: functions compiled by then are cached too. The cache
// starts with the SHA-256 of the source it was made from (V8 itself only checks the length).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { Module } = require('node:module');

module.exports = function loadBundle(file) {
  const filename = path.resolve(file);
  const cacheFile = `${filename}.cache`;
  const source = fs.readFileSync(filename, 'utf8');
  const hash = crypto.createHash('sha256').update(source).digest();
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
