// Entry of dist/bundle/database.js (scripts/build-bundle.js): the packages a command needs only
// when it opens a database, under the names the CLI's bundle requires them by
// (DATABASE_PACKAGES in bin/bundle-loader.js). reflect-metadata first: TypeORM's decorators need it.
'use strict';
module.exports = {
  'reflect-metadata': require('reflect-metadata'),
  typeorm: require('typeorm'),
  pg: require('pg'),
};
