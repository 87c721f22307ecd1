import { describe, expect, it } from 'vitest'
import type { FileNode } from '../../../../shared/models/analysis'
import { filterRows, flattenTree, parentRowIndex, type Loaded, type TreeRow } from './tree-model'

const dir = (path: string): FileNode => ({ name: path.split('/').pop()!, path, kind: 'dir', bytes: 10, files: 1, hasChildren: true })
const file = (path: string): FileNode => ({ name: path.split('/').pop()!, path, kind: 'file', bytes: 5, files: 1, hasChildren: false })

describe('flattenTree', () => {
  const loaded = new Map<string, Loaded>([
    ['/', { children: [dir('/usr'), dir('/etc'), file('/a')], total: 3 }],
    ['/usr', { children: [file('/usr/x')], total: 40 }]
  ])
  it('walks expanded directories depth-first with load-more and loading rows', () => {
    const rows = flattenTree('/', loaded, new Set(['/usr', '/etc']))
    expect(rows.map((r) => (r.kind === 'node' ? r.node.path : `${r.kind}:${'parent' in r ? r.parent : ''}`))).toEqual([
      '/usr',
      '/usr/x',
      'more:/usr',
      '/etc',
      'loading:/etc',
      '/a'
    ])
    expect(parentRowIndex(rows, 1)).toBe(0)
    expect(parentRowIndex(rows, 0)).toBe(-1)
  })
  it('shows only the top level when nothing is expanded', () => {
    expect(flattenTree('/', loaded, new Set())).toHaveLength(3)
  })
})

describe('sibling positions (aria-posinset / aria-setsize)', () => {
  const loaded = new Map<string, Loaded>([
    ['/', { children: [dir('/usr'), dir('/etc'), file('/a')], total: 3 }],
    ['/usr', { children: [file('/usr/x'), file('/usr/y')], total: 40 }],
    ['/etc', { children: [file('/etc/p')], total: 1 }]
  ])
  const rows = flattenTree('/', loaded, new Set(['/usr', '/etc']))
  const places = (rs: TreeRow[]): string[] => rs.flatMap((r) => (r.kind === 'node' ? [`${r.node.path} ${r.pos}/${r.size}`] : []))
  it('counts every sibling of a partly loaded directory, not only the loaded ones', () => {
    expect(places(rows)).toEqual(['/usr 1/3', '/usr/x 1/40', '/usr/y 2/40', '/etc 2/3', '/etc/p 1/1', '/a 3/3'])
  })
  it('counts again among the rows a filter leaves', () => {
    const kept = filterRows(rows, (r) => r.kind !== 'node' || r.node.path !== '/usr/x')
    expect(places(kept)).toEqual(['/usr 1/3', '/usr/y 1/1', '/etc 2/3', '/etc/p 1/1', '/a 3/3'])
    expect(kept.some((r) => r.kind === 'more')).toBe(true)
    const files = filterRows(rows, (r) => r.kind !== 'node' || r.node.kind === 'file' || r.node.path === '/etc')
    // A dropped parent's children still count among themselves.
    expect(places(files)).toEqual(['/usr/x 1/2', '/usr/y 2/2', '/etc 1/2', '/etc/p 1/1', '/a 2/2'])
  })
})
