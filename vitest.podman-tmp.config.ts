import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { include: ['src/main/core/engine/podman.int.test.ts'], environment: 'node', testTimeout: 300_000, hookTimeout: 600_000 } })
