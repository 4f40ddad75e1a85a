// Preload (NODE_OPTIONS="--require <this file>") that appends, when the process exits, the path
// of every CommonJS module it loaded to the file named by EPICEVENTS_MODULE_LOG.
'use strict';
const fs = require('node:fs');

const target = process.env.EPICEVENTS_MODULE_LOG;
if (target) {
  process.on('exit', () => {
    fs.appendFileSync(target, `${Object.keys(require.cache).join('\n')}\n`);
  });
}
