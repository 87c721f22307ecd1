// The context report against what the engine receives: our tar goes through the engine API,
// and the same folder goes through `docker build` (the docker CLI's own .dockerignore code).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, FIXTURE_LABEL, docker, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from '../engine/engine-client'
import { scanBuildContext } from './build-context'
import { contextTar } from './context-tar'

const PREFIX = 'layerscope-test/dockerfile-ctx'
let root: string

const DOCKERFILE = `FROM ${BASE_IMAGE}\nCOPY . /ctx\nRUN echo FILES-BEGIN && find /ctx -type f | sort && echo FILES-END\n`
const FILES: Record<string, number | string> = {
  Dockerfile: DOCKERFILE,
  '.dockerignore': ['# tricky patterns', '**/*.log', '!keep/important.log', '/rootonly.txt', 'build/', 'node_modules', '!node_modules/runtime', 'secret*', ''].join('\n'),
  'a.log': 100,
  'sub/deep/b.log': 200,
  'keep/important.log': 300,
  'rootonly.txt': 400,
  'sub/rootonly.txt': 500,
  'build/out.bin': 600,
  'build/nested/x': 700,
  'node_modules/dev/index.js': 800,
  'node_modules/runtime/index.js': 900,
  'node_modules/runtime/lib/a.js': 1000,
  'secret.txt': 1100,
  'src/secretive/not-matched.js': 1200,
  'src/index.js': 1300,
  'with space/ünïcode name.txt': 1400
}

function findOutput(log: string): string[] {
  const start = log.indexOf('FILES-BEGIN\n')
  const end = log.lastIndexOf('FILES-END')
  return log
    .slice(start + 'FILES-BEGIN\n'.length, end)
    .split('\n')
    .map((l) => l.replace(/^\s+/, ''))
    .filter((l) => l.startsWith('/ctx/'))
    .map((l) => l.slice('/ctx/'.length))
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'layerscope-ctx-int-'))
  for (const [rel, c] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), typeof c === 'number' ? Buffer.alloc(c, 1) : c)
  }
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  removeTestImages(PREFIX)
})

describe('build context vs the engine', () => {
  it('sends exactly the files and bytes the report says, through the engine API', async () => {
    const scan = await scanBuildContext(root, { dockerfileRel: 'Dockerfile' })
    const expected = [
      '.dockerignore',
      'Dockerfile',
      'keep/important.log',
      'node_modules/runtime/index.js',
      'node_modules/runtime/lib/a.js',
      'src/index.js',
      'src/secretive/not-matched.js',
      'sub/rootonly.txt',
      'with space/ünïcode name.txt'
    ]
    expect(scan.sent.filter((e) => e.type === 'file').map((e) => e.rel).sort()).toEqual(expected)
    const expectedBytes = expected.reduce((s, p) => s + (typeof FILES[p] === 'number' ? (FILES[p] as number) : Buffer.byteLength(FILES[p] as string)), 0)
    expect(scan.report.sent).toEqual({ bytes: expectedBytes, files: expected.length })
    expect(scan.report.all.files).toBe(Object.keys(FILES).length)

    // Our tar, counted as it leaves: regular-file bytes in the stream equal the report.
    const tarBytes: Buffer[] = []
    for await (const c of contextTar(root, scan.sent)) tarBytes.push(c as Buffer)
    const tar = Buffer.concat(tarBytes)
    let off = 0
    let tarFileBytes = 0
    let tarFiles = 0
    while (off + 512 <= tar.length && tar[off] !== 0) {
      const size = parseInt(tar.subarray(off + 124, off + 136).toString().replace(/\0.*$/, '').trim() || '0', 8)
      const type = String.fromCharCode(tar[off + 156]!)
      if (type === '0') {
        tarFileBytes += size
        tarFiles++
      }
      off += 512 + Math.ceil(size / 512) * 512
    }
    expect({ bytes: tarFileBytes, files: tarFiles }).toEqual(scan.report.sent)

    // The engine receives it: the COPY . layer holds those bytes, and `find` lists those files.
    const engine = EngineClient.fromEnvironment()
    let out = ''
    for await (const m of engine.build(contextTar(root, scan.sent), {
      t: `${PREFIX}:api`,
      labels: { [FIXTURE_LABEL]: 'test' },
      networkmode: 'none',
      rm: true,
      forcerm: true
    })) {
      if (m.error) throw new Error(m.error)
      out += m.stream ?? ''
    }
    expect(findOutput(out)).toEqual([...expected].sort())
    const history = await engine.imageHistory(`${PREFIX}:api`)
    const copy = history.find((h) => h.CreatedBy?.includes('COPY dir:'))!
    expect(copy.Size).toBe(scan.report.sent.bytes)
  })

  it('matches what `docker build` (the docker CLI) sends with the same .dockerignore', async () => {
    const scan = await scanBuildContext(root, { dockerfileRel: 'Dockerfile' })
    const log = execFileSync('docker', ['build', '--no-cache', '--network', 'none', '--label', `${FIXTURE_LABEL}=test`, '-t', `${PREFIX}:cli`, root], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    })
    expect(findOutput(log)).toEqual(
      scan.sent
        .filter((e) => e.type === 'file')
        .map((e) => e.rel)
        .sort()
    )
    const size = Number(docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}\t{{.Size}}', '--human=false', `${PREFIX}:cli`]).split('\n').find((l) => l.includes('COPY dir:'))!.split('\t')[1])
    expect(size).toBe(scan.report.sent.bytes)
  })
})
