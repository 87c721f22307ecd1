import { describe, expect, it } from 'vitest'
import { biggestDirectories } from './dir-sizes'

const f = (path: string, size: number) => ({ path, kind: 'file', size })

describe('biggestDirectories', () => {
  it('rolls files up to top-level directories, largest first, ignoring non-files', () => {
    const d = biggestDirectories([f('etc/a', 10), f('bin/sh', 30), f('bin/ls', 20), { path: 'bin', kind: 'dir', size: 0 }, f('etc/b', 15), f('lib/x', 40)])
    expect(d).toEqual([
      { path: '/bin', bytes: 50, files: 2 },
      { path: '/lib', bytes: 40, files: 1 },
      { path: '/etc', bytes: 25, files: 2 }
    ])
  })

  it('drills into a directory that holds most of the bytes', () => {
    const d = biggestDirectories([f('usr/lib/x/a.so', 500), f('usr/lib/y/b.so', 300), f('usr/share/doc/c', 100), f('etc/passwd', 1), f('usr/README', 5)])
    expect(d.map((x) => x.path)).toEqual(['/usr/lib/x', '/usr/lib/y', '/usr/share', '/usr/README', '/etc'])
    expect(d.reduce((s, x) => s + x.bytes, 0)).toBe(906)
  })

  it('handles an empty filesystem', () => expect(biggestDirectories([])).toEqual([]))
})
