// `layerscope tags` against a REAL registry (docker-registry 2.8) holding tags skopeo pushed.
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { pushImage, registrySkipReason, startRegistry, type TestRegistry } from '../../../../scripts/test-env/registry'

const ROOT = resolve(__dirname, '../../../..')
const PREFIX = 'layerscope-test/regtags-'
const SKIP = registrySkipReason()
if (SKIP) console.warn(`registry integration tests skipped: ${SKIP}`)
let reg: TestRegistry

// Async: nothing in this process must block while the CLI talks to the registry.
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/main/cli/index.ts'), ...args], { cwd: ROOT, encoding: 'utf8' })
    return { code: 0, out: stdout, err: stderr }
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string }
    return { code: x.code ?? -1, out: x.stdout ?? '', err: x.stderr ?? '' }
  }
}

describe.skipIf(!!SKIP)('layerscope tags (real registry)', () => {
  beforeAll(async () => {
    reg = await startRegistry()
    await ensureBaseImage()
    buildImage(`${PREFIX}app:1`, `FROM ${BASE_IMAGE}\nCOPY a.txt /a.txt\n`, { 'a.txt': 'tags\n' })
    for (const t of ['1.4', '1.5', 'latest']) await pushImage(`docker-daemon:${PREFIX}app:1`, reg.host, `team/app:${t}`)
  })
  afterAll(async () => {
    await reg?.stop()
    removeTestImages(PREFIX)
  })

  it("prints the repository's tags, one per line, and as JSON", async () => {
    const plain = await cli(['tags', `registry://${reg.host}/team/app`])
    expect(plain.code).toBe(0)
    expect(plain.out.trim().split('\n').sort()).toEqual(['1.4', '1.5', 'latest'])
    const json = await cli(['tags', `registry://${reg.host}/team/app`, '--json'])
    const parsed = JSON.parse(json.out) as { repository: string; tags: string[] }
    expect(parsed.repository).toBe(`${reg.host}/team/app`)
    expect(parsed.tags.sort()).toEqual(['1.4', '1.5', 'latest'])
  })

  it('errors: unknown repository, an image instead of a repository, a URL; exit 2 with the code', async () => {
    let r = await cli(['tags', `registry://${reg.host}/team/none`])
    expect(r.code).toBe(2)
    expect(r.err).toContain(`Repository ${reg.host}/team/none does not exist`)
    expect(r.err).toContain('[IMAGE_NOT_FOUND]')
    r = await cli(['tags', `registry://${reg.host}/team/app:1.4`])
    expect(r.code).toBe(2)
    expect(r.err).toContain(`tags lists a repository: write registry://${reg.host}/team/app`)
    r = await cli(['tags', 'http://x/y'])
    expect(r.code).toBe(2)
    expect(r.err).toContain('a reference has no scheme; for a registry write registry://x/y')
    expect(r.err).toContain('[INVALID_INPUT]')
    expect(r.err).not.toMatch(/\n\s+at /)
  })
})
