// Loads the single-file bundle (dist/bundle/epicevents.js) with the V8 code cache stored beside it
// (epicevents.js.cache), so a command neither reads hundreds of files nor compiles their start-up
// code again: about half of what a command cost before (docs/performance.md). Node 20 has no
// built-in compile cache (module.enableCompileCache arrived in Node 22). A cache that does not
// match this Node version is rejected by V8 and the code is compiled as usual: slower, never wrong.
//
// TypeORM and pg are a second bundle beside it (database.js, with its own cache), run on the first
// `require` of one of them: a command that goes to a server (server mode, or the embedded database
// kept open) never reads or deserialises them, about two thirds of the code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle', 'epicevents.js');

/** The packages the database bundle holds, by the name the CLI's bundle requires them (scripts/build-bundle.js). */
const DATABASE_PACKAGES = ['reflect-metadata', 'typeorm', 'pg'];

/**
 * Runs the bundle (`file`, by default the installed one) as a CommonJS module and returns its
 * exports. With `produceCache`, ignores any stored cache; `saveCache()` writes the code compiled so
 * far, the database bundle's too once it has run (the build calls it after a warm-up).
 */
function loadBundle({ produceCache = false, file = BUNDLE } = {}) {
  const base = Module.createRequire(file);
  const databaseFile = path.join(path.dirname(file), 'database.js');
  let database;
  const requireDatabase = (id) => {
    // A partial build without the database bundle: the packages from node_modules, as usual.
    if (!database && !fs.existsSync(databaseFile)) return base(id);
    database ??= runScript(databaseFile, produceCache, Module.createRequire(databaseFile));
    return database.exports[id];
  };
  const scopedRequire = Object.assign((id) => (DATABASE_PACKAGES.includes(id) ? requireDatabase(id) : base(id)), { resolve: base.resolve, cache: base.cache });
  const main = runScript(file, produceCache, scopedRequire);
  return {
    exports: main.exports,
    /** True when a stored cache did not match this Node version (the bench reports it). */
    cacheRejected: main.cacheRejected,
    saveCache: () => {
      main.saveCache();
      database?.saveCache();
    },
  };
}

/** Compiles `file` with its stored cache (unless `produceCache`) and runs it as a CommonJS module given `requireFn`. */
function runScript(file, produceCache, requireFn) {
  // ASCII only (scripts/build-bundle.js makes sure): Latin-1 reads it exactly, and much faster.
  const source = fs.readFileSync(file, 'latin1');
  let cachedData;
  if (!produceCache) {
    try {
      cachedData = fs.readFileSync(`${file}.cache`);
    } catch {
      cachedData = undefined; // no cache (a partial build): compile as usual
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const bundle = new Module(file, module);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = bundle; // as require() would: require.cache lists it
  script.runInThisContext()(bundle.exports, requireFn, bundle, file, path.dirname(file));
  bundle.loaded = true;
  return {
    exports: bundle.exports,
    cacheRejected: cachedData !== undefined && script.cachedDataRejected === true,
    saveCache: () => {
      fs.writeFileSync(`${file}.cache.${process.pid}`, script.createCachedData());
      fs.renameSync(`${file}.cache.${process.pid}`, `${file}.cache`);
    },
  };
}

module.exports = { BUNDLE, DATABASE_PACKAGES, loadBundle };
