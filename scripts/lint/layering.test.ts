// The layering rules in eslint.config.js must refuse a forbidden import (and allow the right ones).
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

// One ESLint instance over the house config, shared by every case. Loading that config
// (typescript-eslint with TypeScript, the React hooks plugin) costs about 2 s of CPU once, which
// on a loaded machine alone can pass vitest's 5 s per-test limit: it is paid in beforeAll with a
// limit of its own, and each case then lints one small text in milliseconds.
const LOAD_TIMEOUT_MS = 60_000
let eslint: ESLint

beforeAll(async () => {
  eslint = new ESLint({ cwd: process.cwd() })
  // A TypeScript file under a layered folder: loads the config, the parser and the rules.
  await eslint.lintText('export const warm = 1\n', { filePath: 'src/shared/warm.ts' })
}, LOAD_TIMEOUT_MS)

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath })
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message)
}

describe('layering lint', () => {
  it.each([
    ['src/shared/models/x.ts', "import type { Backend } from '../../main/api'\nexport type X = Backend\n"],
    ['src/shared/x.ts', "import { readFile } from 'node:fs/promises'\nexport const r = readFile\n"],
    ['src/main/core/analysis/x.ts', "import { createBackend } from '../../api'\nexport const b = createBackend\n"],
    ['src/main/core/report/x.ts', "import { dialog } from 'electron'\nexport const d = dialog\n"],
    ['src/main/core/archive/x.ts', "import { AnalysisService } from '../analysis/analysis-service'\nexport const a = AnalysisService\n"],
    ['src/main/core/model/x.ts', "import { TarReader } from '../archive/tar-reader'\nexport const t = TarReader\n"],
    ['src/main/api/handlers/x.ts', "import { clipboard } from 'electron'\nexport const c = clipboard\n"],
    ['src/renderer/src/x.ts', "import { Dispatcher } from '../../main/api/dispatch'\nexport const d = Dispatcher\n"],
    ['src/main/core/dockerfile/x.ts', "import Docker from 'dockerode'\nexport const d = Docker\n"],
    ['src/main/api/handlers/x.ts', "import type Docker from 'dockerode'\nexport type D = Docker\n"],
    ['src/main/core/analysis/x.ts', "import Modem from 'docker-modem'\nexport const m = Modem\n"]
  ])('refuses the forbidden import in %s', async (file, code) => {
    expect(await restricted(file, code)).toHaveLength(1)
  })

  it.each([
    ['src/main/core/archive/x.ts', "import { PathTable } from '../model/path-table'\nexport const p = PathTable\n"],
    ['src/main/core/model/x.ts', "import { LayerscopeError } from '../errors'\nexport const e = LayerscopeError\n"],
    ['src/main/api/x.ts', "import { AnalysisService } from '../core/analysis/analysis-service'\nexport const a = AnalysisService\n"],
    ['src/renderer/src/x.ts', "import type { Channel } from '../../shared/api'\nexport type C = Channel\n"],
    ['src/main/core/engine/x.ts', "import Docker from 'dockerode'\nexport const d = Docker\n"]
  ])('allows the layered import in %s', async (file, code) => {
    expect(await restricted(file, code)).toEqual([])
  })
})
