import { describe, expect, it } from 'vitest'
import { diffFilesystems, findNode } from './fs-diff'
import { entries } from './testdata/fake-images'

describe('diffFilesystems', () => {
  const a = entries('bin/', 'bin/sh->busybox', 'bin/busybox:1000', 'usr/', 'usr/lib/gcc/cc1:500', 'usr/lib/gcc/as:300', 'etc/os:10', 'app/main.c:40')
  const b = entries('bin/', 'bin/sh->busybox', 'bin/busybox:1000', 'app/', 'app/bin:70', 'etc/os:12', 'app/main.c->/dev/null')

  it('finds added, removed and changed entries with their bytes', () => {
    const d = diffFilesystems(a, b)
    // usr/lib/gcc/{cc1,as} removed; app/bin added; etc/os changed (size); app/main.c changed (kind).
    expect(d.files.removed).toMatchObject({ count: 2, bytes: 800 })
    expect(d.files.added).toMatchObject({ count: 1, bytes: 70 })
    expect(d.files.changed).toMatchObject({ count: 2, bytesA: 50, bytesB: 12, bytes: -38 })
    const finalA = 1000 + 500 + 300 + 10 + 40
    const finalB = 1000 + 70 + 12
    expect(d.files.added.bytes - d.files.removed.bytes + d.files.changed.bytes).toBe(finalB - finalA)
    expect(d.root.totalA).toBe(finalA)
    expect(d.root.totalB).toBe(finalB)
  })

  it('marks statuses and rolls sizes up per directory', () => {
    const d = diffFilesystems(a, b)
    expect(findNode(d.root, '/bin')!.status).toBe('same')
    expect(findNode(d.root, '/usr')!.status).toBe('onlyA')
    expect(findNode(d.root, 'usr/lib/')!).toMatchObject({ status: 'onlyA', totalA: 800, totalB: 0, churn: 800, removed: 2 })
    expect(findNode(d.root, '/app')!).toMatchObject({ status: 'changed', totalA: 40, totalB: 70, added: 1, changed: 1 })
    expect(findNode(d.root, '/etc/os')!).toMatchObject({ status: 'changed', self: true, churn: 2 })
    expect(findNode(d.root, '/')!.status).toBe('changed')
    expect(findNode(d.root, '/nope')).toBeUndefined()
  })

  it('sees a changed link target, and nothing in identical trees', () => {
    const d = diffFilesystems(entries('bin/sh->busybox'), entries('bin/sh->/bin/bash'))
    expect(d.files.changed.count).toBe(1)
    expect(d.files.changed.bytes).toBe(0)
    const same = diffFilesystems(a, a)
    expect(same.root.status).toBe('same')
    expect(same.files.added.count + same.files.removed.count + same.files.changed.count).toBe(0)
  })

  it('treats entries from the same shared layer as identical', () => {
    // Both sides take x from shared layer 0: identical. y comes from unshared layers with different sizes.
    const d = diffFilesystems(entries('x:5@0', 'y:1@1'), entries('x:5@0', 'y:2@1'), { sharedLayers: 1 })
    expect(d.files.changed.count).toBe(1)
    expect(findNode(d.root, '/x')!.status).toBe('same')
  })

  it('handles a file replaced by a directory and paths without own headers', () => {
    const d = diffFilesystems(entries('opt:100'), entries('opt/tool/bin:30'))
    // opt: file in A, directory (implicit) in B -> the file counts as removed; opt/tool/bin added.
    expect(d.files.removed).toMatchObject({ count: 1, bytes: 100 })
    expect(d.files.added).toMatchObject({ count: 1, bytes: 30 })
    expect(findNode(d.root, '/opt')!).toMatchObject({ kindA: 'file', kindB: 'dir', status: 'changed', self: true })
  })

  it('normalises ./, / and trailing slashes', () => {
    const d = diffFilesystems(
      [{ path: './usr/x', kind: 'file', size: 3, mode: 0, layer: 0 }],
      [{ path: 'usr/x/', kind: 'file', size: 3, mode: 0, layer: 0 }]
    )
    expect(d.root.status).toBe('same')
  })

  it('is cancellable', () => {
    const many = Array.from({ length: 70_000 }, (_, i) => ({ path: `f${i}`, kind: 'file' as const, size: 1, mode: 0, layer: 0 }))
    const ac = new AbortController()
    ac.abort()
    expect(() => diffFilesystems(many, many, { signal: ac.signal })).toThrow(/Cancelled/)
  })
})
