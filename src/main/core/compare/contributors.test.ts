import { describe, expect, it } from 'vitest'
import { contributorsAt, splitByBytes } from './contributors'
import { diffFilesystems } from './fs-diff'
import { diffTreemap } from './diff-treemap'
import { entries } from './testdata/fake-images'

// A: single-stage (toolchain + sources + artefact); B: the artefact alone on the base.
const base = ['bin/busybox:1000', 'etc/passwd:30']
const a = entries(
  ...base,
  'usr/lib/gcc/cc1:9000',
  'usr/lib/gcc/lto:8000',
  'usr/lib/gcc/as:500',
  'usr/lib/libz.so:100',
  'usr/share/doc/readme:50',
  'src/main.c:300',
  'src/util.c:200',
  'app/app.bin:700'
)
const b = entries(...base, 'app/app.bin:700', 'app/config.json:5')

describe('contributorsAt', () => {
  const d = diffFilesystems(a, b)

  it('descends while one child dominates: /usr/lib/gcc, not /usr', () => {
    const rows = contributorsAt(d.root, '/')
    expect(rows[0]).toMatchObject({ path: '/usr/lib/gcc', bytesA: 17500, bytesB: 0, delta: -17500, status: 'onlyA', hasChildren: true })
    const paths = rows.map((r) => r.path)
    expect(paths).toContain('/src')
    expect(paths).toContain('/app/config.json')
    // Rows are disjoint and cover every differing byte.
    expect(rows.reduce((s, r) => s + r.delta, 0)).toBe(d.root.totalB - d.root.totalA)
  })

  it('drills down to files, largest first', () => {
    const rows = contributorsAt(d.root, '/usr/lib/gcc', { rollUp: false })
    expect(rows.map((r) => [r.path, r.delta])).toEqual([
      ['/usr/lib/gcc/cc1', -9000],
      ['/usr/lib/gcc/lto', -8000],
      ['/usr/lib/gcc/as', -500]
    ])
    expect(rows.every((r) => !r.hasChildren)).toBe(true)
  })

  it('keeps a directory when no child dominates', () => {
    const d2 = diffFilesystems(entries('x/a:10', 'x/b:10', 'x/c:10'), entries())
    expect(contributorsAt(d2.root, '/').map((r) => r.path)).toEqual(['/x'])
  })

  it('splits a directory whose children cancel out', () => {
    const d2 = diffFilesystems(entries('data/a/x:400', 'data/a/y:10', 'etc/p:1'), entries('data/b/x:400', 'data/b/y:10', 'etc/p:1'))
    const rows = contributorsAt(d2.root, '/')
    expect(rows.map((r) => [r.path, r.delta])).toEqual([
      ['/data/a', -410],
      ['/data/b', 410]
    ])
  })

  it('limits and refuses unknown paths', () => {
    expect(contributorsAt(d.root, '/', { limit: 1 })).toHaveLength(1)
    expect(() => contributorsAt(d.root, '/nope')).toThrow(/neither image/)
    expect(contributorsAt(diffFilesystems(a, a).root, '/')).toEqual([])
  })
})

describe('diffTreemap', () => {
  const d = diffFilesystems(a, b)

  it('sizes by max(A, B), colours by status, leaves out what is the same', () => {
    const t = diffTreemap(d.root, '/', { depth: 4, minShare: 0 })
    expect(t.bytes).toBe(9000 + 8000 + 500 + 100 + 50 + 300 + 200 + 5)
    const names = t.children!.map((c) => c.name)
    expect(names).not.toContain('bin')
    const usr = t.children!.find((c) => c.name === 'usr')!
    expect(usr.status).toBe('onlyA')
    const app = t.children!.find((c) => c.name === 'app')!
    expect(app).toMatchObject({ status: 'changed', bytes: 5, bytesA: 0, bytesB: 5 })
    expect(app.children![0]).toMatchObject({ name: 'config.json', status: 'onlyB' })
  })

  it('aggregates small entries and bounds the node count', () => {
    const many = entries(...Array.from({ length: 500 }, (_, i) => `d/f${i}:${i === 0 ? 100000 : 1}`))
    const t = diffTreemap(diffFilesystems([], many).root, '/', { maxNodes: 20 })
    const count = (n: typeof t): number => 1 + (n.children ?? []).reduce((s, c) => s + count(c), 0)
    expect(count(t)).toBeLessThanOrEqual(20)
    const dNode = t.children![0]!
    const agg = dNode.children!.find((c) => c.status === 'aggregate')!
    expect(agg.count).toBeGreaterThan(400)
    expect(dNode.children!.reduce((s, c) => s + c.bytes, 0)).toBe(dNode.bytes)
  })

  it('respects depth', () => {
    const t = diffTreemap(d.root, '/', { depth: 1 })
    expect(t.children!.every((c) => c.children === undefined)).toBe(true)
  })
})

describe('splitByBytes', () => {
  it('keeps rows with bytes and counts the zero-byte ones (links next to a dominant file)', () => {
    const withLinks = entries('bin/busybox:1000', 'bin/cat->busybox', 'bin/ls->busybox', 'bin/sh->busybox')
    const d = diffFilesystems(withLinks, entries('bin/busybox:400'))
    const rows = contributorsAt(d.root, '/')
    expect(rows.map((r) => r.path)).toEqual(['/bin/busybox', '/bin/cat', '/bin/ls', '/bin/sh'])
    const { withBytes, zeroByte } = splitByBytes(rows)
    expect(withBytes.map((r) => r.path)).toEqual(['/bin/busybox'])
    expect(zeroByte).toBe(3)
  })
})
