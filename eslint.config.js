// Lint rules that keep the layers honest: provider SDK types stay in @frontload/providers,
// process.env is read only by @frontload/config, files stay small enough to hold in mind.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const sdkImports = {
  patterns: [
    {
      group: [
        'googleapis',
        'googleapis/*',
        '@googleapis/*',
        '@microsoft/microsoft-graph-client',
        '@microsoft/microsoft-graph-types',
      ],
      message:
        'Provider SDKs and their types belong inside @frontload/providers (and the sandbox conformance tests).',
    },
  ],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/.turbo/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': ['error', sdkImports],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through @frontload/config.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**', '*/*/test/**', '**/__fixtures__/**', 'shared/testing/**'],
    rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
  },
  {
    // The only readers of process.env: the config package, tests and harnesses that spawn processes,
    // the local launcher.
    files: [
      'shared/config/src/**',
      'shared/testing/src/**',
      '**/*.test.ts',
      'tests/**',
      'infra/local/**',
      'vitest.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: [
      'shared/providers/src/google/**',
      'shared/providers/src/microsoft/**',
      'services/provider-sandbox/src/**/*.test.ts',
      'services/provider-sandbox/test/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
);
