import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

// The import rules of docs/ARCHITECTURE.md: data flows routes → lib → database (jobs → lib);
// lib knows no HTTP; a lib folder is reached only through its index.ts; no import circles.
const HTTP_PACKAGES = [
  'express',
  'express-session',
  'multer',
  'passport',
  'passport-local',
  'helmet',
  'pino-http',
  'csrf-sync',
];
/** Another lib folder's file other than its index (from inside lib/, or from above it). */
const LIB_INTERNALS_FROM_LIB = String.raw`^\.\./[^./][^/]*/(?!index\.js$).+`;
const LIB_INTERNALS_FROM_OUTSIDE = String.raw`^(\.\./)+lib/[^/]+/(?!index\.js$).+`;

export default tseslint.config(
  { ignores: ['node_modules', '.data', 'public/js/vendor'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Take time from services.clock.' },
      ],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: HTTP_PACKAGES.map((name) => ({
            name,
            message: 'lib/ knows no HTTP: this belongs under routes/.',
          })),
          patterns: [
            {
              regex: String.raw`^(\.\./)+(routes|jobs|bin)(/|$)`,
              message: 'lib/ imports nothing from routes/, jobs/ or bin/: data flows one way.',
            },
            {
              regex: LIB_INTERNALS_FROM_LIB,
              message: 'Import another lib folder through its index.js, not its files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['routes/**/*.ts', 'jobs/**/*.ts', 'bin/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: LIB_INTERNALS_FROM_OUTSIDE,
              message: 'Import a lib folder through its index.js, not its files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['routes/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TaggedTemplateExpression[tag.name=/^(sql|tx)$/]',
          message: 'No SQL in routes: put the query in lib/ and call it.',
        },
        {
          selector:
            'CallExpression[callee.object.name=/^(sql|tx)$/][callee.property.name=/^(unsafe|begin|file)$/]',
          message: 'No SQL in routes: put the query in lib/ and call it.',
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['public/**/*.js'], languageOptions: { globals: globals.browser } },
  prettier,
);
