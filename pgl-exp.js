const v8 = require('node:v8');
const flags = (process.env.FLAGS || '').split(' ').filter(Boolean);
for (const f of flags) v8.setFlagsFromString(f);
const t0 = performance.now();
const { PGlite } = require('@electric-sql/pglite');
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm');
const t1 = performance.now();
PGlite.create({ dataDir: '/tmp/emb/data', startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] }).then(async (db) => {
  const t2 = performance.now();
  await db.query('select 1');
  const t3 = performance.now();
  await db.close();
  const t4 = performance.now();
  console.log(JSON.stringify({ req: (t1-t0)|0, create: (t2-t1)|0, q: (t3-t2)|0, close: (t4-t3)|0 }));
});
