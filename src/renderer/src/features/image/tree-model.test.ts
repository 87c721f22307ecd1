import { describe, expect, it } from 'vitest'
import type { FileNode } from '../../../../shared/models/analysis'
import { flattenTree, parentRowIndex, type Loaded } from './tree-model'

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
