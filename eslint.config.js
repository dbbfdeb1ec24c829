import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .tmp/ holds generated files: the start-up bundle (src/cli/bundle.ts) and the compile cache.
  { ignores: ['node_modules/', 'data/', 'docs/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The layers (a door only translates; the core knows no door, no HTTP and no store engine): a
    // door runs no SQL and reaches the database only through core modules; row types may be named.
    files: ['src/vendors/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['kysely', 'kysely/*'], message: 'A door runs no SQL: use the core query modules (src/core/<domain>/queries.ts).' },
            { group: ['**/store/*', '**/store/**'], message: 'A door does not reach the store: use the core.' },
            { group: ['**/core/database.ts', '**/core/db.ts'], allowTypeImports: true, message: 'A door may name row types only (import type).' },
            { group: ['**/core/work.ts'], allowTypeImports: true, message: 'A door opens no transactions: call one core use-case.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/vendors/*', '**/vendors/**', '**/http/*', '**/http/**', '**/admin/*', '**/cli/*', 'fastify', 'fastify/*'], message: 'The core knows no front door and no HTTP.' },
            { group: ['**/store/*', '**/store/**'], message: 'The core owns its data; the store (engines, migrations) depends on the core, not the other way.' },
          ],
        },
      ],
    },
  },
  {
    // Decimal ↔ minor-unit conversion lives in src/core/money only (no float arithmetic on money).
    files: ['src/**/*.ts'],
    ignores: ['src/core/money/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='toFixed']", message: 'Format money with src/core/money (formatDecimal), not toFixed.' },
        {
          selector: "CallExpression[callee.name='parseFloat'], CallExpression[callee.object.name='Number'][callee.property.name='parseFloat']",
          message: 'Parse money with src/core/money, not parseFloat.',
        },
        {
          selector:
            "CallExpression[callee.object.name='Math'][callee.property.name='round'] BinaryExpression:matches([operator='*'], [operator='/']) > Literal.right:matches([value=100], [value=1000])",
          message: 'Minor units come from src/core/money (exponent per currency), not x100 arithmetic.',
        },
      ],
    },
  },
  {
    // bin/ is plain JavaScript run by whatever Node is on PATH.
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    // Tests read parsed JSON bodies field by field; `any` there is the honest type.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
