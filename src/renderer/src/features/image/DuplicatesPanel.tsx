// Files with the same content (sha256) at several paths of the final filesystem: vendored
// copies, a binary copied twice. One row per copy, grouped under its content, largest saving
// first. Apart from waste: these bytes are all visible; a dedup (symlink, hard link, one COPY)
// would save them.
import { useMemo, useState } from 'react'
import { formatBytes, formatExactBytes, groupDigits } from '../../../../shared/format'
import type { DuplicateGroup, ImageAnalysis } from '../../../../shared/models/analysis'
import { EmptyState } from '../../components/States'
import { VirtualList } from '../../components/VirtualList'
import { displayPath } from '../../lib/paths'

type Row = { kind: 'group'; group: DuplicateGroup } | { kind: 'path'; group: DuplicateGroup; path: string } | { kind: 'more'; group: DuplicateGroup }

export function DuplicatesPanel({ analysis }: { analysis: ImageAnalysis }): React.JSX.Element {
  const d = analysis.duplicates
  const [active, setActive] = useState(-1)
  const rows = useMemo(() => {
    const out: Row[] = []
    for (const g of d?.groups ?? []) {
      out.push({ kind: 'group', group: g })
      for (const p of g.paths) out.push({ kind: 'path', group: g, path: p })
      if (g.copies > g.paths.length) out.push({ kind: 'more', group: g })
    }
    return out
  }, [d])

  if (!d)
    return (
      <EmptyState title="No content digests" testId="duplicates-unknown">
        This analysis was made before file contents were hashed: open the image again to find duplicates.
      </EmptyState>
    )
  if (d.groupCount === 0)
    return (
      <EmptyState title="No duplicate files" testId="duplicates-empty">
        No two regular files of the final filesystem hold the same content.
      </EmptyState>
    )
  return (
    <div className="waste-panel" data-testid="duplicates-panel">
      <div className="waste-summary">
        <span>
          <strong className="num">{formatBytes(d.bytes)}</strong> a dedup would save: <span className="num">{groupDigits(d.files)}</span> files hold{' '}
          <span className="num">{groupDigits(d.groupCount)}</span> content{d.groupCount === 1 ? '' : 's'} more than once (same sha256). These bytes are visible, not waste: copy once and
          link, or drop the extra copies.
          {d.truncated && <span className="muted"> The largest {groupDigits(d.groups.length)} groups are listed; `layerscope files --json` has every digest.</span>}
        </span>
      </div>
      <div className="trow thead">
        <span className="tcell tname">Content / path</span>
        <span className="tcell tlayer num">Copies</span>
        <span className="tcell tsize num">Saves</span>
      </div>
      <VirtualList
        count={rows.length}
        rowHeight={24}
        label="Duplicate files"
        activeIndex={active}
        testId="duplicates-list"
        onKeyDown={(e) => {
          const dir = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0
          if (dir) {
            e.preventDefault()
            setActive((a) => Math.max(0, Math.min(rows.length - 1, a + dir)))
          }
        }}
        renderRow={(i) => {
          const r = rows[i]!
          const cls = `trow${i === active ? ' active' : ''}`
          if (r.kind === 'group')
            return (
              <div className={cls} onClick={() => setActive(i)} data-testid="duplicate-group" data-digest={r.group.digest}>
                <span className="tcell tname mono" title={`${r.group.digest}: ${formatExactBytes(r.group.size)} each`} style={{ userSelect: 'all' }}>
                  {r.group.digest.slice(0, 19)}… {formatBytes(r.group.size)} each
                </span>
                <span className="tcell tlayer num">{groupDigits(r.group.copies)}</span>
                <span className="tcell tsize num" title={formatExactBytes(r.group.bytes)}>
                  {formatBytes(r.group.bytes)}
                </span>
              </div>
            )
          if (r.kind === 'more')
            return (
              <div className={`${cls} muted`} style={{ paddingLeft: 24 }}>
                {groupDigits(r.group.copies - r.group.paths.length)} more paths
              </div>
            )
          return (
            <div className={cls} onClick={() => setActive(i)} data-testid="duplicate-path">
              <span className="tcell tname mono" style={{ paddingLeft: 24 }} title={displayPath(r.path)}>
                {displayPath(r.path)}
              </span>
            </div>
          )
        }}
      />
    </div>
  )
}
