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
);
