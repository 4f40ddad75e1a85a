// Preload (NODE_OPTIONS="--require <this file>", with EPICEVENTS_BUNDLE=off so that the drivers are
// loaded from node_modules) that appends each SQL statement a command sends to the database, one
// per line, to the file named by EPICEVENTS_QUERY_LOG: pg's Client#query for a server, PGlite's
// query and exec for the embedded engine. A statement is a round trip (PGlite's: a call into it).
// With EPICEVENTS_QUERY_LOG_VALUES=1 each line is JSON, `{"text", "values"}`, so that a statement
// can be planned again with its parameters (bench/tenants.js EXPLAINs the lists that way).
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

const target = process.env.EPICEVENTS_QUERY_LOG;
if (target) {
  const withValues = process.env.EPICEVENTS_QUERY_LOG_VALUES === '1';
  const log = (text, values) =>
    fs.appendFileSync(target, withValues ? `${JSON.stringify({ text: String(text), values: values ?? [] })}\n` : `${String(text).replace(/\s+/g, ' ').trim()}\n`);
  const wrap = (proto, name) => {
    const original = proto[name];
    if (typeof original !== 'function' || original.__logged) return;
    proto[name] = function (query, ...rest) {
      // query(text, values), query({ text, values }) or query({ text, name }, values)
      const values = (query && typeof query === 'object' && query.values) || (Array.isArray(rest[0]) ? rest[0] : undefined);
      log(typeof query === 'string' ? query : (query && query.text) || '?', values);
      return original.call(this, query, ...rest);
    };
    proto[name].__logged = true;
  };
  const load = Module._load;
  Module._load = function (request, ...rest) {
    const exported = load.call(this, request, ...rest);
    if (request === 'pg' && exported.Client) wrap(exported.Client.prototype, 'query');
    if (request === '@electric-sql/pglite' && exported.PGlite) {
      wrap(exported.PGlite.prototype, 'query');
      wrap(exported.PGlite.prototype, 'exec');
    }
    return exported;
  };
}
