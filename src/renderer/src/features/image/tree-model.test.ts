import { describe, expect, it } from 'vitest'
import type { FileNode } from '../../../../shared/models/analysis'
import { filterRows, flattenTree, parentRowIndex, toggleFolder, treeControls, treeKey, withPage, type Loaded, type TreeRow } from './tree-model'

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

describe('treeKey (the keys of every file tree)', () => {
  const loaded = new Map<string, Loaded>([
    ['/', { children: [dir('/usr'), dir('/etc'), file('/a')], total: 3 }],
    ['/usr', { children: [file('/usr/x')], total: 40 }]
  ])
  const open = new Set(['/usr', '/etc'])
  // /usr, /usr/x, more:/usr, /etc, loading:/etc, /a
  const rows = flattenTree('/', loaded, open)
  const node = (i: number): FileNode => (rows[i] as Extract<TreeRow, { kind: 'node' }>).node
  it('moves with the arrows, Home/End and pages of 20, from nothing selected too', () => {
    expect(treeKey(rows, -1, 'ArrowDown', open)).toEqual({ do: 'move', index: 0 })
    expect(treeKey(rows, 0, 'ArrowDown', open)).toEqual({ do: 'move', index: 1 })
    expect(treeKey(rows, 5, 'ArrowDown', open)).toEqual({ do: 'move', index: 5 })
    expect(treeKey(rows, 3, 'ArrowUp', open)).toEqual({ do: 'move', index: 2 })
    expect(treeKey(rows, 3, 'Home', open)).toEqual({ do: 'move', index: 0 })
    expect(treeKey(rows, 0, 'End', open)).toEqual({ do: 'move', index: 5 })
    expect(treeKey(rows, 0, 'PageDown', open)).toEqual({ do: 'move', index: 5 })
    expect(treeKey(rows, 5, 'PageUp', open)).toEqual({ do: 'move', index: 0 })
    const many = Array.from({ length: 50 }, (_, i): TreeRow => ({ kind: 'node', node: file(`/f${i}`), depth: 0, pos: i + 1, size: 50 }))
    expect(treeKey(many, 3, 'PageDown', new Set())).toEqual({ do: 'move', index: 23 })
    expect(treeKey(many, 30, 'PageUp', new Set())).toEqual({ do: 'move', index: 10 })
    expect(treeKey([], -1, 'ArrowDown', open)).toBeNull()
  })
  it('opens a closed folder with → or Enter, and goes into an open one', () => {
    const shut = new Set<string>()
    const top = flattenTree('/', loaded, shut)
    expect(treeKey(top, 0, 'ArrowRight', shut)).toEqual({ do: 'open', node: dir('/usr'), open: true })
    expect(treeKey(top, 1, 'Enter', shut)).toEqual({ do: 'open', node: dir('/etc'), open: true })
    expect(treeKey(rows, 0, 'ArrowRight', open)).toEqual({ do: 'move', index: 1 })
    expect(treeKey(rows, 3, 'Enter', open)).toEqual({ do: 'move', index: 4 })
    // A file has nothing to open: the key is taken, nothing happens.
    expect(treeKey(rows, 5, 'ArrowRight', open)).toEqual({ do: 'stay' })
    expect(treeKey(rows, 1, 'Enter', open)).toEqual({ do: 'stay' })
  })
  it('closes an open folder with ←, else ← and Backspace go to the parent', () => {
    expect(treeKey(rows, 0, 'ArrowLeft', open)).toEqual({ do: 'open', node: node(0), open: false })
    expect(treeKey(rows, 1, 'ArrowLeft', open)).toEqual({ do: 'move', index: 0 })
    expect(treeKey(rows, 1, 'Backspace', open)).toEqual({ do: 'move', index: 0 })
    // Backspace on an open folder goes up, it does not close it; at the top there is no parent.
    expect(treeKey(rows, 3, 'Backspace', open)).toEqual({ do: 'stay' })
    expect(treeKey(rows, 5, 'ArrowLeft', open)).toEqual({ do: 'stay' })
  })
  it('loads the next page with Enter on a "load more" row, and nothing else there', () => {
    expect(treeKey(rows, 2, 'Enter', open)).toEqual({ do: 'more', parent: '/usr', offset: 1 })
    expect(treeKey(rows, 2, 'ArrowRight', open)).toBeNull()
    expect(treeKey(rows, 2, 'Backspace', open)).toBeNull()
    expect(treeKey(rows, 4, 'Enter', open)).toBeNull()
  })
  it('lets other keys through, and a flat list (search results) only moves', () => {
    expect(treeKey(rows, 0, 'a', open)).toBeNull()
    expect(treeKey(rows, -1, 'Enter', open)).toBeNull()
    expect(treeKey(rows, 0, 'ArrowRight', open, true)).toBeNull()
    expect(treeKey(rows, 1, 'Backspace', open, true)).toBeNull()
    expect(treeKey(rows, 0, 'ArrowDown', open, true)).toEqual({ do: 'move', index: 1 })
  })
})

describe('toggleFolder', () => {
  it('opens, closes or flips a folder, and says when nothing changes', () => {
    const none = new Set<string>()
    expect([...toggleFolder(none, dir('/usr'))!]).toEqual(['/usr'])
    expect([...toggleFolder(none, dir('/usr'), true)!]).toEqual(['/usr'])
    expect(toggleFolder(none, dir('/usr'), false)).toBeNull()
    const one = new Set(['/usr', '/etc'])
    expect([...toggleFolder(one, dir('/usr'))!]).toEqual(['/etc'])
    expect(toggleFolder(one, dir('/usr'), true)).toBeNull()
    expect(toggleFolder(one, file('/usr'))).toBeNull()
    // A new set: React sees the change, the old one stays as it was.
    expect([...one]).toEqual(['/usr', '/etc'])
  })
})

describe('treeControls (what both trees wire their keys and clicks to)', () => {
  const loaded = new Map<string, Loaded>([
    ['/', { children: [dir('/usr'), dir('/etc'), file('/a')], total: 3 }],
    ['/usr', { children: [file('/usr/x')], total: 40 }]
  ])
  const setup = (expanded: Set<string>, active: number, flat = false) => {
    const calls: unknown[] = []
    const c = treeControls({
      rows: flattenTree('/', loaded, expanded),
      active,
      expanded,
      loaded,
      flat,
      setActive: (i) => calls.push(['active', i]),
      setExpanded: (s) => calls.push(['expanded', [...s]]),
      loadDir: (p, o) => calls.push(['load', p, o])
    })
    const key = (k: string, target: EventTarget | null = null): boolean => {
      let prevented = false
      c.onKey({ key: k, target, preventDefault: () => (prevented = true) })
      return prevented
    }
    return { c, calls, key }
  }
  it('fetches a folder the first time it opens, not when it was loaded already', () => {
    const a = setup(new Set(), 1)
    expect(a.key('ArrowRight')).toBe(true)
    expect(a.calls).toEqual([['load', '/etc', undefined], ['expanded', ['/etc']]])
    const b = setup(new Set(), 0)
    b.c.toggle(dir('/usr'))
    expect(b.calls).toEqual([['expanded', ['/usr']]])
  })
  it('moves, closes and loads more through the setters; a key it does not know passes', () => {
    const a = setup(new Set(['/usr']), 0)
    expect(a.key('ArrowDown')).toBe(true)
    expect(a.key('ArrowLeft')).toBe(true)
    expect(a.key('x')).toBe(false)
    expect(a.calls).toEqual([['active', 1], ['expanded', []]])
    const more = setup(new Set(['/usr']), 2)
    expect(more.key('Enter')).toBe(true)
    expect(more.calls).toEqual([['load', '/usr', 1]])
  })
  it('ignores keys typed into a field, and only moves in a flat list', () => {
    const a = setup(new Set(), 0)
    expect(a.key('ArrowDown', { tagName: 'INPUT' } as unknown as EventTarget)).toBe(false)
    expect(a.calls).toEqual([])
    const flat = setup(new Set(), 0, true)
    expect(flat.key('ArrowRight')).toBe(false)
    expect(flat.key('ArrowDown')).toBe(true)
    expect(flat.calls).toEqual([['active', 1]])
  })
})

describe('withPage', () => {
  it('puts a first page in place of what was loaded, and appends a later one', () => {
    const before = new Map<string, Loaded>([['/usr', { children: [file('/usr/x')], total: 40 }]])
    const more = withPage(before, '/usr', 1, { children: [file('/usr/y')], total: 41 })
    expect(more.get('/usr')).toEqual({ children: [file('/usr/x'), file('/usr/y')], total: 41 })
    const again = withPage(more, '/usr', 0, { children: [file('/usr/z')], total: 1 })
    expect(again.get('/usr')).toEqual({ children: [file('/usr/z')], total: 1 })
    expect(withPage(before, '/etc', 0, { children: [], total: 0 }).size).toBe(2)
    // A new map each time (React state); the old one is left as it was.
    expect(before.get('/usr')!.children).toHaveLength(1)
    expect(more).not.toBe(before)
  })
})
