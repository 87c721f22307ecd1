import { describe, expect, it } from 'vitest'
import type { FinalEntry } from '../analysis/analyzed-image'
import { diffFilesystems, findNode } from './fs-diff'
import { contributorsAt } from './contributors'
import { contentFacts } from './content-facts'
import { compareSentence } from './sentence'

const d = (c: string): string => c.repeat(64)
const file = (path: string, size: number, digest: string, extra: Partial<FinalEntry> = {}): FinalEntry => ({
  path, kind: 'file', size, mode: 0o644, uid: 0, gid: 0, layer: 1, digest: d(digest), ...extra
})

describe('diffFilesystems by content digest', () => {
  const a = [file('etc/app.conf', 10, 'a'), file('usr/bin/tool', 500, 'b'), file('opt/data.bin', 300, 'c'), file('srv/run.sh', 20, 'e'), file('keep', 5, 'f')]
  const b = [
    file('etc/app.conf', 10, '1'), // same size, other content
    file('usr/bin/tool', 500, 'b', { mode: 0o755 }), // mode only
    file('var/lib/data.bin', 300, 'c'), // moved
    file('srv/run.sh', 20, 'e', { uid: 1000, gid: 1000 }), // owner only
    file('keep', 5, 'f')
  ]
  const diff = diffFilesystems(a, b, { sharedLayers: 0 })

  it('sees a same-size edit as a change', () => {
    expect(findNode(diff.root, '/etc/app.conf')).toMatchObject({ status: 'changed', self: true, churn: 0, span: 10 })
    expect(diff.files.changed).toMatchObject({ count: 1, bytes: 0, bytesA: 10, bytesB: 10, sameSize: 1 })
  })

  it('counts mode- and owner-only changes apart, with no bytes changed', () => {
    expect(findNode(diff.root, '/usr/bin/tool')).toMatchObject({ status: 'changed', metaOnly: true, churn: 0, span: 0 })
    expect(findNode(diff.root, '/srv/run.sh')).toMatchObject({ status: 'changed', metaOnly: true })
    expect(diff.files.metadata).toMatchObject({ count: 2, bytes: 520 })
  })

  it('pairs a removal and an addition of the same content as one move', () => {
    expect(diff.files.moved).toEqual({ count: 1, bytes: 300, paths: [{ from: '/opt/data.bin', to: '/var/lib/data.bin', bytes: 300, digest: `sha256:${d('c')}` }] })
    expect(diff.files.added.count).toBe(0)
    expect(diff.files.removed.count).toBe(0)
    expect(findNode(diff.root, '/opt/data.bin')).toMatchObject({ status: 'onlyA', movedPath: '/var/lib/data.bin' })
    expect(findNode(diff.root, '/var/lib/data.bin')).toMatchObject({ status: 'onlyB', movedPath: '/opt/data.bin' })
    // The invariant of the counts still holds: added - removed + changed = final B - final A.
    expect(diff.files.added.bytes - diff.files.removed.bytes + diff.files.changed.bytes).toBe(diff.root.totalB - diff.root.totalA)
    expect(findNode(diff.root, '/keep')!.status).toBe('same')
  })

  it('does not pair different content, or empty files, as moves; several copies pair one to one', () => {
    const x = diffFilesystems([file('a1', 7, 'x'), file('a2', 7, 'x'), file('e1', 0, 'z'), file('q', 9, 'q')], [file('b1', 7, 'x'), file('e2', 0, 'z'), file('r', 9, 'r')])
    expect(x.files.moved.paths.map((m) => `${m.from} -> ${m.to}`)).toEqual(['/a1 -> /b1'])
    expect(x.files.removed.count).toBe(3) // a2, e1, q
    expect(x.files.added.count).toBe(2) // e2, r
  })

  it('falls back to sizes when a side has no digests', () => {
    const x = diffFilesystems([{ path: 'f', kind: 'file', size: 3, mode: 0o644, layer: 0 }], [file('f', 3, 'a')])
    expect(x.root.status).toBe('same')
  })

  it('feeds contributors and the sentence', () => {
    const rows = contributorsAt(diff.root, '/')
    expect(rows.find((r) => r.path === '/etc/app.conf')).toMatchObject({ status: 'changed', sameSize: 1, differing: 1 })
    expect(rows.find((r) => r.path === '/opt/data.bin')).toMatchObject({ status: 'onlyA', moved: '/var/lib/data.bin' })
    const s = compareSentence({
      labels: { a: 'v1', b: 'v2' }, sizeA: 835, sizeB: 835, sameImage: false, imageId: 'sha256:x', contributors: [], differingEntries: 4,
      churn: 0, ...contentFacts(diff)
    })
    expect(s).toBe(
      'v2 is the same size as v1 (835 B); 1 file changed content at the same size (/etc/app.conf); 1 file moved (/opt/data.bin -> /var/lib/data.bin); 2 files changed only mode or owner (/srv/run.sh, …)'
    )
  })
})
