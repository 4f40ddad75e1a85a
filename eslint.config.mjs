// ESLint 10 no longer reads .eslintrc.json by itself: FlatCompat feeds the project's rules file
// into the flat config, on top of the recommended JavaScript and typescript-eslint sets.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { FlatCompat } from '@eslint/eslintrc';

const compat = new FlatCompat({ baseDirectory: import.meta.dirname });
const rules = JSON.parse(readFileSync(new URL('./.eslintrc.json', import.meta.url), 'utf8'));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node, ...globals.jest } } },
  ...compat.config(rules),
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The domain does not know the command line: it serves the CLI and the server alike.
  {
    files: ['src/services/**', 'src/auth/**', 'src/validation/**', 'src/permissions/**', 'src/domain/**', 'src/database/**', 'src/backend/**', 'src/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/cli/**', '**/commands/**'], message: 'the domain layers serve every front end: no import from the CLI or its commands' }] },
      ],
    },
  },
  // A command works through ctx.backend() and does not know which implementation it has; only the
  // direct-only `db` commands, `serve` and `platform init` (and completion, which needs nothing)
  // reach the database and the session machinery themselves.
  {
    files: ['src/commands/**'],
    ignores: ['src/commands/db/**', 'src/commands/serve/**', 'src/commands/completion/**', 'src/commands/platform/init.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['typeorm', 'pg', 'argon2', '@electric-sql/pglite'],
          patterns: [
            {
              group: ['**/services/**', '**/database/**', '**/entities/**', '**/auth/**', '**/backend/in-process'],
              message: 'commands use ctx.backend() and the types of src/backend/backend.ts, never the services, the database or the auth internals',
            },
          ],
        },
      ],
    },
  },
);
