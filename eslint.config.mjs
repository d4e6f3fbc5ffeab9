import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * One door per lib: another lib is imported only as `@pl/<lib>` (its index.ts), never by
 * a deep alias or a relative path into its folder; an app never imports another app's
 * files. A relative import that climbs into some `<name>/src` or through `libs/` or
 * `apps/` has left its own lib or app. Tests and scripts may import an app's files (the
 * harness starts the API), but libs only through their doors.
 */
const DEEP_ALIAS = { regex: '^@pl/[^/]+/.', message: 'Import another lib only through its index: `@pl/<lib>`.' };
const INTO_LIB = { regex: '^\\.\\.?/(.*/)?libs/', message: 'Import a lib as `@pl/<lib>`, not by a path into its folder.' };
const OUT_OF_UNIT = {
  regex: '^(\\.\\./)+(.*/)?(apps/|[\\w-]+/src(/|$))',
  message: "Do not import another lib's or app's files: use `@pl/<lib>` (its index.ts).",
};

export default tseslint.config(
  // test/fixtures/lint holds code that breaks the rules on purpose (test/lint/boundaries.spec.ts lints it).
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'out/**', 'coverage/**', '*.js', 'test/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through loadConfig (libs/config) only.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name=/^(only|skip)$/]", message: 'No .only or .skip in committed tests.' },
      ],
    },
  },
  // The web UI (apps/web): Vue single-file components with TypeScript, run in the browser.
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['apps/web/**/*.vue'] })),
  {
    files: ['apps/web/**/*.{ts,mts,vue}'],
    languageOptions: { globals: globals.browser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      // Prettier-like layout is not enforced anywhere else in the repository either.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
  {
    files: ['apps/**', 'libs/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_ALIAS, INTO_LIB, OUT_OF_UNIT] }] },
  },
  {
    // One schema per input: the API reads bodies, queries and path parameters through the zod
    // decorators (apps/api/src/http/zod-api.ts), which validate and document them; test/api/openapi.e2e-spec.ts checks it too.
    files: ['apps/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [DEEP_ALIAS, INTO_LIB, OUT_OF_UNIT],
          paths: [
            {
              name: '@nestjs/common',
              importNames: ['Body', 'Query', 'Param'],
              message: 'Use @ZodBody, @ZodQuery and @ZodParam (http/zod-api.ts): they validate with the zod schema and document it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**', 'scripts/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_ALIAS, INTO_LIB] }] },
  },
  {
    // The browser cannot load a lib's index (it pulls in Node modules): the web UI reaches the
    // browser-safe modules it shares with the API (vocabulary, input parsers) through these two files only.
    files: ['apps/web/src/lib/domain-browser.ts', 'apps/web/src/lib/shared-input.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['libs/config/**', 'apps/*/src/main.ts', 'test/**', 'scripts/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
