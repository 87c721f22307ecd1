import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'


// The house's layering (shared <- core/model <- core <- api <- fronts), checked on every lint.
// Each folder lists what it must never import; eslint.layering.test.ts proves the rules bite.
const ELECTRON = { name: 'electron', message: 'Only the Electron front (src/main/index.ts, window/, ipc/, desktop/) imports electron.' }
const layer = (files, regexes, paths = []) => ({
  files,
  ignores: ['**/*.test.ts', '**/*.test.tsx', '**/testdata/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      { paths, patterns: regexes.map(([regex, message]) => ({ regex, message })) }
    ]
  }
})
export const LAYERS = [
  layer(['src/shared/**/*.ts'], [
    ['(^|/)(main|renderer|preload)(/|$)', 'src/shared imports nothing of ours outside src/shared.'],
    ['^node:', 'src/shared runs in every process: no Node built-ins.']
  ], [ELECTRON]),
  layer(['src/main/core/**/*.ts'], [
    ['(^|/)(api|cli|serve|ipc|window|desktop)(/|$)', 'core never imports api or a front.'],
    ['(^|/)renderer(/|$)', 'core never imports the renderer.']
  ], [ELECTRON]),
  layer(['src/main/core/model/**/*.ts'], [
    ['(^|/)(api|cli|serve|ipc|window|desktop)(/|$)', 'core never imports api or a front.'],
    ['^\\.\\./(?!model/|errors$|\\.\\./\\.\\./shared/)', 'core/model is the bottom of core: it imports only itself and core/errors.']
  ], [ELECTRON]),
  layer(['src/main/core/archive/**/*.ts', 'src/main/core/cache/**/*.ts'], [
    ['(^|/)(api|cli|serve|ipc|window|desktop)(/|$)', 'core never imports api or a front.'],
    ['^\\.\\./analysis(/|$)|core/analysis(/|$)', 'archive and cache sit below analysis: share code through core/model.']
  ], [ELECTRON]),
  layer(['src/main/api/**/*.ts'], [
    ['(^|/)(cli|serve|ipc|window|desktop)(/|$)', 'api is shared by every front and imports none of them.']
  ], [ELECTRON]),
  layer(['src/renderer/**/*.{ts,tsx}'], [
    ['(^|/)(main|preload)(/|$)', 'The renderer talks to the backend only through the contract in src/shared.']
  ], [ELECTRON]),
  // The engine is one client: only core/engine uses dockerode (as EngineClient's transport).
  // A rule of its own (typescript-eslint's) so it adds to the layers above instead of replacing them.
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: [
      'src/main/core/engine/**',
      '**/*.test.ts'
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'dockerode', message: "Only src/main/core/engine talks to dockerode: use EngineClient's verbs." }], patterns: [{ group: ['docker-modem', 'docker-modem/*', 'dockerode/*'], message: "Only src/main/core/engine talks to the engine: use EngineClient's verbs." }] }
      ]
    }
  }
]

export default tseslint.config(
  { ignores: ['**/out/**', '**/out-*/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'resources/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn'
    }
  },
  ...LAYERS
)
