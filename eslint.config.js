// Lint for `npm run lint` (CI runs it with --max-warnings=0). Type-aware, so rules such as no-floating-promises can
// see which calls return promises: an unawaited write to OpenMetadata or AWS call would otherwise fail silently.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'vendor/', 'coverage/', '.tap/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always'],
      // The server logs through pino (redacted, structured); a stray console.log bypasses both.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': [
        'error',
        // tap queues every subtest and fails the run if one rejects: `t.test(...)` needs no await.
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
    },
  },
  {
    // Fastify plugins and handlers are async to take its promise contract (a sync plugin must call done(), a sync
    // handler must call reply.send()), and tap callbacks are async by habit: an await is not what makes them right.
    files: ['routes/**', 'test/**'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Tests (and the demo, which checks the running service end to end) read answers as parsed JSON (any) and check
    // their shape against the OpenMetadata schemas (assertOm), which is stricter than a type written here would be;
    // the no-unsafe-* rules would flag every property read.
    files: ['test/**', 'scripts/demo.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Command-line tools print their results for a person to read.
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain JavaScript (this file, scripts/start.mjs) is outside tsconfig.json: no type information for it.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
)
