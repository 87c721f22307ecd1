import { defineConfig } from '@playwright/test'

// The real renderer against the real backend, in Debian's Chromium through `serve`.
// Electron specs (e2e/electron/*.spec.ts) run where an Electron binary exists.
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // scripts/test.sh reads the JSON report to count tests.
  reporter: process.env.LAYERSCOPE_E2E_JSON ? [['list'], ['json', { outputFile: process.env.LAYERSCOPE_E2E_JSON }]] : [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure'
  }
})
