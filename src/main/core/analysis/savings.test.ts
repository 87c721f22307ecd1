import { describe, expect, it } from 'vitest'
import type { FinalEntry } from './analyzed-image'
import { classifyPath, computeSavings, MIN_CANDIDATE_BYTES, RULES, SAVINGS_VERSION, SavingsCollector } from './savings'
import { PathTable } from '../model/path-table'

const f = (path: string, size: number, layer = 1): FinalEntry => ({ path, kind: 'file', size, mode: 0o644, layer })
const rule = (p: string): string | undefined => RULES[classifyPath(p)]?.id

describe('classifyPath', () => {
  it.each([
    ['var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease', 'apt-lists'],
    ['var/cache/apt/archives/curl_7.88_amd64.deb', 'apt-cache'],
    ['var/cache/apt/pkgcache.bin', 'apt-cache'],
    ['var/cache/apk/APKINDEX.tar.gz', 'apk-cache'],
    ['var/cache/dnf/repo/x.rpm', 'yum-cache'],
    ['var/cache/yum/x', 'yum-cache'],
    ['root/.cache/pip/http/a/b', 'pip-cache'],
    ['home/app/.cache/pip/wheels/x.whl', 'pip-cache'],
    ['root/.npm/_cacache/content-v2/sha512/ab', 'npm-cache'],
    ['usr/local/share/.cache/yarn/v6/x', 'yarn-cache'],
    ['home/node/.cache/yarn/v6/x', 'yarn-cache'],
    ['root/.cache/go-build/00/x-d', 'go-build-cache'],
    ['root/.cargo/registry/cache/x.crate', 'cargo-registry'],
    ['tmp/build.log', 'tmp'],
    ['var/tmp/x', 'tmp'],
    ['usr/local/go/bin/go', 'go-toolchain'],
    ['usr/local/go/pkg/linux_amd64/fmt.a', 'go-toolchain'],
    ['usr/lib/go-1.19/bin/go', 'go-toolchain'],
    ['usr/lib/gcc/x86_64-linux-gnu/12/cc1', 'c-toolchain'],
    ['usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a', 'c-toolchain'],
    ['usr/libexec/gcc/x86_64-linux-gnu/12/cc1plus', 'c-toolchain'],
    ['usr/bin/x86_64-linux-gnu-gcc-12', 'c-toolchain'],
    ['usr/bin/gcc', 'c-toolchain'],
    ['usr/bin/g++-12', 'c-toolchain'],
    ['usr/bin/ld.bfd', 'c-toolchain'],
    ['usr/bin/x86_64-linux-gnu-as', 'c-toolchain'],
    ['usr/include/stdio.h', 'headers'],
    ['usr/local/include/foo/bar.h', 'headers'],
    ['usr/lib/x86_64-linux-gnu/libc.a', 'static-libs'],
    ['usr/local/lib/libfoo.a', 'static-libs'],
    ['app/.git/objects/pack/pack-1.pack', 'git'],
    ['.git/HEAD', 'git'],
    ['app/node_modules/lodash/test/a.js', 'node-tests'],
    ['app/node_modules/a/node_modules/b/__tests__/x.js', 'node-tests'],
    ['app/node_modules/rxjs/dist/index.js.map', 'source-maps'],
    ['usr/lib/python3/dist-packages/__pycache__/x.cpython-311.pyc', 'python-bytecode'],
    ['app/x.pyc', 'python-bytecode'],
    ['usr/share/doc/curl/copyright', 'docs'],
    ['usr/share/man/man1/ls.1.gz', 'docs'],
    ['usr/share/info/dir', 'docs'],
    ['usr/share/locale/de/LC_MESSAGES/x.mo', 'locales']
  ])('%s -> %s', (p, id) => expect(rule(p)).toBe(id))

  it.each([
    'var/lib/apt/lists-evil/x', // a prefix only counts at a segment boundary
    'var/lib/apt/listsx',
    'usr/bin/gcc-wrapper-script',
    'usr/bin/ls',
    'usr/local/bin/gcc', // only the system bin
    'app/.gitignore',
    'app/.github/workflows/ci.yml',
    'app/node_modules/x/test', // a FILE named test is not a test folder
    'app/src/test/x.js', // tests outside node_modules are the user's own
    'app/dist/main.js.map', // source maps outside node_modules may be served
    'usr/share/locale/en/LC_MESSAGES/x.mo',
    'usr/share/locale/en_GB/LC_MESSAGES/x.mo',
    'usr/share/locale/locale.alias',
    'usr/share/docs-not/x',
    'data/.a',
    'app/archive.a', // not under a lib folder
    'roots/.cache/pip/x',
    'home/.cache/pip/x', // "home" itself is no home directory
    'tmp',
    ''
  ])('%s matches nothing', (p) => expect(rule(p)).toBeUndefined())

  it('treats hostile names as data', () => {
    expect(rule('tmp/../../etc/passwd')).toBe('tmp')
    expect(rule('var/lib/apt/lists/na\nme with spaces ✓')).toBe('apt-lists')
    expect(rule('etc/passwd')).toBeUndefined()
    expect(rule(`usr/share/doc/${'x/'.repeat(2000)}README`)).toBe('docs')
  })
})

describe('computeSavings', () => {
  it('sums exact bytes per rule, counts each file once, and ranks by bytes', () => {
    const s = computeSavings(
      [
        f('var/lib/apt/lists/a', 200_000, 1),
        f('var/lib/apt/lists/b', 50_000, 2),
        { path: 'var/lib/apt/lists', kind: 'dir', size: 0, mode: 0o755, layer: 1 },
        { path: 'var/lib/apt/lists/link', kind: 'symlink', size: 0, mode: 0o777, layer: 1, linkTarget: '/etc/passwd' },
        f('usr/share/doc/pkg/README', 300_000, 3),
        f('tmp/node_modules/x/test/a.js.map', 7_000, 3), // three rules match: tmp wins
        f('root/.cache/pip/x.pyc', 5_000, 2), // pip before bytecode
        f('usr/lib/gcc/x/libgcc.a', 9_000, 2), // toolchain before static libs
        f('etc/os-release', 1_000_000, 0)
      ],
      2_000_000
    )
    expect(s.version).toBe(SAVINGS_VERSION)
    expect(s.candidates.map((c) => [c.id, c.bytes, c.files])).toEqual([
      ['docs', 300_000, 1],
      ['apt-lists', 250_000, 2],
      ['c-toolchain', 9_000, 1],
      ['tmp', 7_000, 1],
      ['pip-cache', 5_000, 1]
    ])
    expect(s.bytes).toBe(571_000)
    expect(s.files).toBe(6)
    expect(s.afterBytes).toBe(2_000_000 - 571_000)
    // Every candidate's bytes are the sum of its per-layer bytes.
    for (const c of s.candidates) expect(c.layers.reduce((a, l) => a + l.bytes, 0)).toBe(c.bytes)
  })

  it('attributes bytes to the layer that added each file, largest layer first', () => {
    const s = computeSavings([f('var/cache/apt/a.deb', 3_000, 4), f('var/cache/apt/b.deb', 10_000, 2), f('var/cache/apt/c.deb', 4_000, 4)], 17_000)
    const c = s.candidates[0]!
    expect(c.layers).toEqual([
      { layerIndex: 2, bytes: 10_000, files: 1 },
      { layerIndex: 4, bytes: 7_000, files: 2 }
    ])
    expect(c.paths).toEqual([
      { path: '/var/cache/apt/b.deb', bytes: 10_000, layerIndex: 2 },
      { path: '/var/cache/apt/c.deb', bytes: 4_000, layerIndex: 4 },
      { path: '/var/cache/apt/a.deb', bytes: 3_000, layerIndex: 4 }
    ])
  })

  it('keeps the 10 largest paths, largest first', () => {
    const entries = Array.from({ length: 50 }, (_, i) => f(`usr/include/h${i}.h`, 1000 + ((i * 37) % 50) * 10))
    const c = computeSavings(entries, 0).candidates[0]!
    expect(c.files).toBe(50)
    expect(c.paths).toHaveLength(10)
    const want = entries
      .map((e) => e.size)
      .sort((a, b) => b - a)
      .slice(0, 10)
    expect(c.paths.map((p) => p.bytes)).toEqual(want)
  })

  it('drops candidates under 1 kB from the list and from the total', () => {
    const s = computeSavings([f('tmp/a', MIN_CANDIDATE_BYTES - 1), f('usr/share/doc/x', MIN_CANDIDATE_BYTES)], 5000)
    expect(s.candidates.map((c) => c.id)).toEqual(['docs'])
    expect(s.bytes).toBe(MIN_CANDIDATE_BYTES)
  })

  it('adds the hidden bytes as one candidate with their layers', () => {
    const s = computeSavings([f('usr/share/doc/x', 2000, 1)], 100_000, {
      bytes: 60_000,
      files: 3,
      paths: [{ path: '/big', bytes: 50_000, layerIndex: 1 }],
      layers: [
        { layerIndex: 2, bytes: 10_000, files: 2 },
        { layerIndex: 1, bytes: 50_000, files: 1 }
      ]
    })
    expect(s.candidates.map((c) => c.id)).toEqual(['hidden', 'docs'])
    expect(s.candidates[0]!.layers.map((l) => l.layerIndex)).toEqual([1, 2])
    expect(s.bytes).toBe(62_000)
    expect(s.afterBytes).toBe(38_000)
  })

  it('gives the same answer with the per-directory reuse as path by path, in any order', () => {
    const dirs = ['usr/bin', 'usr/lib/x', 'usr/lib/gcc/x', 'app/node_modules/a/test', 'app/node_modules/a', 'tmp', 'var/lib/apt/lists', 'usr/share/locale/de/LC_MESSAGES', 'app/.git/objects', 'app']
    const names = ['gcc-12', 'libz.a', 'x.map', 'x.pyc', 'README', 'ls', 'a.js']
    const entries: FinalEntry[] = []
    for (let i = 0; i < 700; i++) entries.push(f(`${dirs[(i * 7) % dirs.length]}/${names[i % names.length]}${i % 3 === 0 ? '' : `-${i}`}`, 1000 + i, i % 4))
    const want = new Map<string, number>()
    for (const e of entries) {
      const id = rule(e.path)
      if (id) want.set(id, (want.get(id) ?? 0) + e.size)
    }
    for (const list of [entries, [...entries].reverse(), [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))]) {
      const got = new Map(computeSavings(list, 0).candidates.map((c) => [c.id, c.bytes]))
      expect(got).toEqual(want)
    }
    expect(want.size).toBeGreaterThan(6)
  })

  it('gives the same summary by path id (as the model passes files) as by path string, mixed and in any order', () => {
    const dirs = ['usr/bin', 'usr/lib/x', 'usr/lib/gcc/x', 'app/node_modules/a/test', 'app/node_modules/a', 'tmp', 'var/lib/apt/lists', 'usr/share/locale/de/LC_MESSAGES', 'app/.git/objects', 'app', '']
    const names = ['gcc-12', 'libz.a', 'x.map', 'x.pyc', 'README', 'ls', 'a.js', 'cc']
    const paths = new PathTable()
    const entries: FinalEntry[] = []
    for (let i = 0; i < 800; i++) {
      const d = dirs[(i * 7) % dirs.length]!
      const n = `${names[i % names.length]}${i % 3 === 0 ? '' : `-${i}`}`
      entries.push(f(d ? `${d}/${n}` : n, 1000 + i, i % 4))
    }
    for (const list of [entries, [...entries].reverse()]) {
      const byPath = new SavingsCollector()
      const byId = new SavingsCollector()
      list.forEach((e, k) => {
        byPath.addFile(e.path, e.size, e.layer)
        // Every third file goes by string on the id side too: the two ways share one directory cache.
        if (k % 3 === 0) byId.addFile(e.path, e.size, e.layer)
        else byId.addPathId(paths, paths.intern(e.path), e.size, e.layer)
      })
      expect(byId.finish(5_000_000)).toEqual(byPath.finish(5_000_000))
    }
    expect(computeSavings(entries, 5_000_000).candidates.length).toBeGreaterThan(6)
  })

  it('gives an empty summary for a clean image', () => {
    const s = computeSavings([f('app/server', 5_000_000), f('etc/passwd', 900)], 5_000_900, { bytes: 0, files: 0, paths: [], layers: [] })
    expect(s).toEqual({ version: SAVINGS_VERSION, candidates: [], bytes: 0, files: 0, afterBytes: 5_000_900 })
  })
})
