// Preloaded into the process under test (`node --require`): writes its peak resident set size,
// in KiB, to $BENCH_RSS_FILE when it exits.
'use strict';
const fs = require('node:fs');

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) fs.writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
