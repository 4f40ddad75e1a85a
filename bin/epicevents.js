#!/usr/bin/env node
'use strict';
// The bundle with its code cache starts about twice as fast as the per-file build it is made from
// (docs/performance.md). EPICEVENTS_BUNDLE=off runs the per-file build (stack traces name the
// source files; the start-up test checks which packages each command loads).
const fs = require('node:fs');
const { BUNDLE, loadBundle } = require('./bundle-loader.js');

if (process.env.EPICEVENTS_BUNDLE !== 'off' && fs.existsSync(BUNDLE)) {
  loadBundle().exports.runMain();
} else {
  require('../dist/src/cli/main.js').runMain();
}
