#!/usr/bin/env node
// Second step of `npm run build`, after tsc: bundles dist/src into dist/bundle/epicevents.js (one
// file instead of about 500 modules), then stores V8's compiled code for its start-up beside it
// (epicevents.js.cache). bin/epicevents.js runs the bundle when it exists. Why: docs/performance.md.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist', 'bundle');

// Native code, WebAssembly and packages loaded only on some paths stay ordinary node_modules
// packages: argon2 and keytar (native), PGlite (WebAssembly files beside its code), Sentry and
// inquirer (loaded only when used), Fastify and its plugins (only `serve`), pg-native (optional, absent).
const EXTERNAL = ['argon2', 'keytar', '@electric-sql/*', '@sentry/node', 'inquirer', 'fastify', '@fastify/*', 'pg-native'];

// TypeORM and pg, about two thirds of the code, run only in a command that opens a database: they
// are a bundle of their own (database.js, from scripts/database-packages.js), which the loader runs
// on their first `require` (bin/bundle-loader.js), so a command that goes to a server never reads them.
const { DATABASE_PACKAGES } = require(path.join(ROOT, 'bin', 'bundle-loader.js'));

/**
 * pg asks whether it runs in a Cloudflare Worker by constructing a `Response`; on Node 20 that
 * first use loads the whole fetch implementation (undici), about a tenth of a command's start-up.
 * The CLI never runs in a Worker.
 */
const notCloudflare = {
  name: 'pg-not-cloudflare',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const patched = source.replace(/function isCloudflareRuntime\(\) \{/, 'function isCloudflareRuntime() {\n  return false;');
      if (patched === source) throw new Error(`pg changed: isCloudflareRuntime() not found in ${args.path}`);
      return { contents: patched, loader: 'js' };
    });
  },
};

/**
 * jsonwebtoken decides at load time, with semver, whether this Node version supports some key
 * types (`>=15.7.0` and the like); loading semver for that costs several milliseconds on every
 * authenticated command. With `engines.node` >= 20.19 the answers are constants: fold them in.
 * A file that does not look exactly as expected is left alone (slower, never different).
 */
const jwtVersionChecks = {
  name: 'jsonwebtoken-version-checks',
  setup(build) {
    const minimum = versionOf(/>=\s*([0-9.]+)/.exec(require(path.join(ROOT, 'package.json')).engines.node)[1]);
    build.onLoad({ filter: /[\\/]node_modules[\\/]jsonwebtoken[\\/]lib[\\/]\w+Supported\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const check = /^(?:var|const) semver = require\('semver'\);\s*module\.exports = semver\.satisfies\(process\.version, '([^']+)'\);\s*$/.exec(source);
      // Folded only when one alternative is `>=X.Y.Z` with X.Y.Z at or below the minimum Node.
      const alwaysTrue = check?.[1].split('||').some((part) => /^\s*>=\s*[0-9.]+\s*$/.test(part) && compare(versionOf(part.replace(/[>=\s]/g, '')), minimum) <= 0);
      if (!alwaysTrue) return undefined;
      return { contents: `module.exports = true; // semver.satisfies(process.version, '${check[1]}') on Node >= ${minimum.join('.')}\n`, loader: 'js' };
    });
  },
};

/**
 * commander loads node:child_process when it loads (7 ms of a command's start, with what it pulls
 * in), for the git-style subcommands that run as separate executables, which the CLI has none of:
 * it is required on first use instead. A file that does not look as expected is left alone.
 */
const commanderLazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) return undefined;
      const lazy = "const childProcess = { spawn: (...spawnArgs) => require('node:child_process').spawn(...spawnArgs) };";
      if (/childProcess\.(?!spawn\()/.test(source)) return undefined; // uses more than spawn: leave it
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

const versionOf = (text) => [...text.split('.').map(Number), 0, 0].slice(0, 3);
const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The loader reads the bundle as Latin-1, which is several times faster than UTF-8 for a 3 MB file
 * and gives V8 a one-byte string, and is exact for ASCII. esbuild escapes non-ASCII characters in
 * strings but leaves a few in comments and regular expressions: escape those too (\uXXXX means
 * the same character in both), then make sure nothing else is left.
 */
function asciiOnly(file) {
  const source = fs.readFileSync(file, 'utf8');
  const escaped = source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (/[\u0080-\uffff]/.test(escaped)) throw new Error(`${file} is not ASCII after escaping`);
  fs.writeFileSync(file, escaped);
}

/**
 * cli-table3 measures every cell with string-width, whose first call compiles a very large emoji
 * regular expression: about 10 ms per table, more than the whole query. Printable Latin text
 * (U+0020-U+007E, U+00A0-U+02FF) and the dashes, quotes and ellipsis of U+2010-U+2027 (the `…`
 * of every cut cell) are one column per character in string-width's own rules (no control,
 * combining, wide or emoji character among them), so they are answered without the regex.
 */
const stringWidthFastPath = {
  name: 'string-width-latin-fast-path',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const anchor = '\tstring = stripAnsi(string);';
      if (!source.includes('string.replace(emojiRegex()') || !source.includes(anchor)) return undefined;
      const fastPath = '\tif (/^[\\x20-\\x7e\\xa0-\\u02ff\\u2010-\\u2027]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n\n';
      return { contents: source.replace(anchor, fastPath + anchor), loader: 'js' };
    });
  },
};

async function main() {
  // Built beside, then moved into place: a command started meanwhile never reads a half-written file.
  const staging = `${OUT}-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const common = {
    outdir: staging,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Comments and blank space out: a smaller file to read. TypeORM names metadata after entity
    // classes, so class and function names stay.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
  await esbuild.build({
    ...common,
    entryPoints: {
      epicevents: path.join(ROOT, 'dist', 'src', 'cli', 'bundle-entry.js'),
      // Spawned as a file by the credential store (path.join(__dirname, 'keychain-process.js')).
      'keychain-process': path.join(ROOT, 'dist', 'src', 'auth', 'keychain-process.js'),
    },
    external: [...EXTERNAL, ...DATABASE_PACKAGES],
    plugins: [jwtVersionChecks, stringWidthFastPath, commanderLazyChildProcess],
  });
  await esbuild.build({
    ...common,
    entryPoints: { database: path.join(__dirname, 'database-packages.js') },
    external: EXTERNAL,
    plugins: [notCloudflare],
  });

  for (const file of fs.readdirSync(staging)) asciiOnly(path.join(staging, file));
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.renameSync(staging, OUT);

  // Run every module's start-up once (nothing connects anywhere), then store the compiled code of
  // both bundles, written beside and renamed too. Made from the installed path: V8 keeps the file
  // name in it.
  const { loadBundle } = require(path.join(ROOT, 'bin', 'bundle-loader.js'));
  const bundle = loadBundle({ produceCache: true });
  await bundle.exports.warmUp();
  bundle.saveCache();
  const size = (file) => `${(fs.statSync(path.join(OUT, file)).size / 1024 / 1024).toFixed(1)} MB`;
  for (const name of ['epicevents.js', 'database.js']) console.log(`dist/bundle/${name} ${size(name)}, code cache ${size(`${name}.cache`)}`);
}

// bench/table.js bundles the output layer with the same string-width plugin.
module.exports = { stringWidthFastPath };

if (require.main === module) {
  main().then(
    () => process.exit(0), // the warm-up leaves nothing open, but a stray timer must not hang the build
    (error) => {
      console.error(error.stack ?? String(error));
      process.exit(1);
    },
  );
}
