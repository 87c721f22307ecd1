import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scanBuildContext } from './build-context'
import { contextUses } from './context-sources'
import { parseDockerfile } from './parser'
import { ContextFilter, listContext, parseDockerignore } from './context-walk'

const dirs: string[] = []
function makeContext(files: Record<string, string | number>): string {
  const root = mkdtempSync(join(tmpdir(), 'layerscope-ctx-'))
  dirs.push(root)
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), typeof content === 'number' ? Buffer.alloc(content, 7) : content)
  }
  return root
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('.dockerignore parsing and matching', () => {
  it('reads patterns like the docker CLI', () => {
    expect(parseDockerignore('# comment\n\n /abs/x \n!keep\n! spaced\n./a/../b\n  # not a comment? it is a pattern\n')).toEqual([
      'abs/x',
      '!keep',
      '!spaced',
      'b',
      '# not a comment? it is a pattern'
    ])
  })

  it('applies **, ! re-include, leading / and folder patterns; keeps Dockerfile and .dockerignore', async () => {
    const root = makeContext({
      Dockerfile: 'FROM x',
      '.dockerignore': '',
      'a.log': 1,
      'sub/b.log': 2,
      'sub/deep/c.log': 3,
      'sub/keep.log': 4,
      'top.txt': 5,
      'sub/top.txt': 6,
      'node_modules/x/index.js': 7,
      'docs/guide.md': 8
    })
    const entries = await listContext(root)
    const f = new ContextFilter(parseDockerignore('**/*.log\n!sub/keep.log\n/top.txt\ndocs/\nnode_modules\nDockerfile\n.dockerignore'), 'Dockerfile')
    const files = f
      .select(entries)
      .filter((e) => e.type === 'file')
      .map((e) => e.rel)
    expect(files).toEqual(['.dockerignore', 'Dockerfile', 'sub/keep.log', 'sub/top.txt'])
  })
})

describe('build context report', () => {
  it('counts with and without .dockerignore, rolls up the largest, finds secrets, suggests patterns', async () => {
    const root = makeContext({
      Dockerfile: 'FROM x\n',
      '.dockerignore': 'node_modules\n',
      'package.json': '{}',
      'node_modules/big/blob.bin': 50_000,
      'src/index.js': 1_000,
      'src/lib/util.js': 500,
      '.git/objects/pack/p.pack': 20_000,
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.env': 'PASSWORD=x\n',
      '.env.example': 'PASSWORD=\n',
      'keys/id_rsa': 'k',
      'certs/server.pem': '-----BEGIN CERTIFICATE-----\n',
      'certs/server-key.pem': '-----BEGIN PRIVATE KEY-----\n',
      '.npmrc': '//registry.npmjs.org/:_authToken=abc\n',
      'debug.log': 300
    })
    symlinkSync('/etc/passwd', join(root, 'src/link'))
    const { report } = await scanBuildContext(root, { dockerfileRel: 'Dockerfile' })
    const allBytes = 7 + 13 + 2 + 50_000 + 1_000 + 500 + 20_000 + 21 + 11 + 10 + 1 + 28 + 28 + 37 + 300
    expect(report.all).toEqual({ bytes: allBytes, files: 15 })
    expect(report.sent).toEqual({ bytes: allBytes - 50_000, files: 14 })
    expect(report.symlinks).toBe(1)
    expect(report.hasDockerignore).toBe(true)
    expect(report.largest[0]).toEqual({ path: '.git/', bytes: 20_021, files: 2 })
    expect(report.largest[1]).toEqual({ path: 'src/', bytes: 1_500, files: 2 })
    expect(report.secrets.map((s) => s.path)).toEqual(['.git', '.npmrc', 'certs/server-key.pem', '.env', 'keys/id_rsa'])
    expect(report.suggestedDockerignore).toContain('node_modules\n')
    for (const p of ['.git ', '**/.env ', '**/.env.* ', '!**/.env.example', 'keys/id_rsa', 'certs/server-key.pem', '.npmrc', '**/*.log']) {
      expect(report.suggestedDockerignore).toContain(p)
    }
    expect(report.suggestedDockerignore).not.toContain('**/node_modules')
    // What the suggestion would send: everything but node_modules, .git, .env, keys, .npmrc, the log.
    expect(report.suggestedSent).toEqual({ bytes: 7 + 13 + 2 + 1_000 + 500 + 10 + 28, files: 7 })
  })

  it('warns of missing COPY sources and unused big files, and the suggestion leaves those files out', async () => {
    const df = 'FROM x\nCOPY src /app/src\nCOPY missing.txt /app/\n'
    const root = makeContext({ Dockerfile: df, 'src/a.js': 10, 'media/film.mp4': 2_000_000, 'media/clip.mp4': 1_000_000, 'media/tiny.png': 999_999 })
    const scan = await scanBuildContext(root, { dockerfileRel: 'Dockerfile', uses: contextUses(parseDockerfile(df)), copySources: ['src', 'missing.txt'] })
    expect(scan.report.warnings!.missing).toEqual([{ line: 3, keyword: 'COPY', stage: '0', source: 'missing.txt', why: 'absent', wildcard: false }])
    expect(scan.report.warnings!.unused).toEqual([
      { path: 'media/film.mp4', bytes: 2_000_000 },
      { path: 'media/clip.mp4', bytes: 1_000_000 }
    ])
    expect(scan.report.suggestedDockerignore).toContain('media/film.mp4        # 2 MB, no COPY or ADD uses it')
    expect(scan.report.suggestedSent).toEqual({ bytes: df.length + 10 + 999_999, files: 3 })
    // Without the Dockerfile's uses there is nothing to warn about (and nothing more suggested).
    expect((await scanBuildContext(root, { dockerfileRel: 'Dockerfile' })).report.warnings).toBeUndefined()
  })

  it('says clearly when the context folder is missing', async () => {
    await expect(scanBuildContext('/nonexistent/ctx')).rejects.toThrow('The build context folder /nonexistent/ctx does not exist.')
  })
})
