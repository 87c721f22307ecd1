// `layerscope images` against the real engine: sizes are the engine's own numbers.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, removeTestImages } from '../../../../scripts/fixtures/base-image'
import type { ImageSummary } from '../../../shared/models/images'

const ROOT = resolve(__dirname, '../../../..')
const PREFIX = 'layerscope-test/platform-images'

function cli(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join('src/main/cli/index.ts'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
}
function join(p: string): string {
  return resolve(ROOT, p)
}

beforeAll(() => {
  buildImage(`${PREFIX}:one`, `FROM ${BASE_IMAGE}\nCOPY a.bin /a.bin\nRUN echo hi > /b.txt\n`, { 'a.bin': Buffer.alloc(123_457, 7) })
  docker(['tag', `${PREFIX}:one`, `${PREFIX}:two`])
})
afterAll(() => removeTestImages(PREFIX))

describe('layerscope images (real engine)', () => {
  // Other suites may add or remove their images meanwhile: compare what the engine listed
  // both before and after our listing (everything stable must match exactly).
  function stable(list: () => string[], ours: () => void): Set<string> {
    const before = list()
    ours()
    const after = new Set(list())
    return new Set(before.filter((x) => after.has(x)))
  }

  it('--json lists every image with size = inspect .Size, all tags and layer count', () => {
    let images: ImageSummary[] = []
    const ids = stable(
      () => docker(['images', '-q', '--no-trunc']).trim().split('\n'),
      () => (images = JSON.parse(cli(['images', '--json'])) as ImageSummary[])
    )
    const byId = new Map(images.map((i) => [i.id, i]))
    expect(ids.size).toBeGreaterThan(0)
    for (const id of ids) {
      const img = byId.get(id)
      expect(img, `${id} missing from --json`).toBeDefined()
      const [size, layers] = docker(['image', 'inspect', '--format', '{{.Size}} {{len .RootFS.Layers}}', id]).trim().split(' ')
      expect(img!.size, id).toBe(Number(size))
      expect(img!.layers, id).toBe(Number(layers))
      expect(Number.isNaN(Date.parse(img!.created))).toBe(false)
    }
    const ours = images.find((i) => i.repoTags.includes(`${PREFIX}:one`))!
    expect(ours.repoTags.sort()).toEqual([`${PREFIX}:one`, `${PREFIX}:two`])
    expect(ours.layers).toBe(3)
  })

  it('the table SIZE equals docker images for every row', () => {
    const ours = new Map<string, string>()
    const rows = stable(
      () => docker(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}|{{.Size}}']).trim().split('\n'),
      () => {
        for (const row of cli(['images', '--no-trunc']).trim().split('\n').slice(1)) {
          const cols = row.split(/\s{2,}/)
          ours.set(`${cols[0]}:${cols[1]} ${cols[2]}`, cols[cols.length - 1]!)
        }
      }
    )
    expect(rows.size).toBeGreaterThan(0)
    for (const line of rows) {
      const [key, size] = line.split('|')
      expect(ours.get(key!), key).toBe(size)
    }
  })

  it('--filter reference= narrows the list like docker', () => {
    const images = JSON.parse(cli(['images', '--format', 'json', '--filter', `reference=${PREFIX}:*`])) as ImageSummary[]
    expect(images).toHaveLength(1)
    expect(images[0]!.repoTags).toContain(`${PREFIX}:one`)
  })
})
