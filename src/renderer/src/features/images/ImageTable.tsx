// The engine's images, one row per image with all its tags, sortable and keyboard-driven.
import { useState, type KeyboardEvent } from 'react'
import { formatExactBytes, shortId } from '../../../../shared/format'
import type { ImageSummary } from '../../../../shared/models/images'
import { Bytes } from '../../components/Bytes'
import { isTyping, moveIndex } from '../../lib/list-nav'
import { formatRelative, formatTimestamp } from '../../lib/time'
import { useApp } from '../../stores'
import { imageRef, type ImageSortKey } from '../../stores/images'

const COLUMNS: { key: ImageSortKey | null; label: string; className: string }[] = [
  { key: null, label: '', className: 'col-check' },
  { key: 'name', label: 'Repository:Tag', className: 'col-name' },
  { key: null, label: 'Image ID', className: 'col-id' },
  { key: 'created', label: 'Created', className: 'col-created' },
  { key: 'size', label: 'Size', className: 'col-size num' },
  { key: 'layers', label: 'Layers', className: 'col-layers num' }
]

export function ImageTable({ images }: { images: ImageSummary[] }): React.JSX.Element {
  const sort = useApp((s) => s.imageSort)
  const setSort = useApp((s) => s.setImageSort)
  const selected = useApp((s) => s.selectedImageIds)
  const toggle = useApp((s) => s.toggleImageSelected)
  const openImage = useApp((s) => s.openImage)
  const [active, setActive] = useState(-1)
  const open = (img: ImageSummary): void => void openImage({ kind: 'engine', ref: imageRef(img) }, img.repoTags[0] ?? shortId(img.id))

  const onKey = (e: KeyboardEvent): void => {
    if (isTyping(e.target)) return
    const next = moveIndex(active, images.length, e.key)
    if (next !== null) {
      e.preventDefault()
      setActive(next)
      document.getElementById(`image-row-${next}`)?.scrollIntoView({ block: 'nearest' })
      return
    }
    const img = images[active]
    if (!img) return
    if (e.key === 'Enter') {
      e.preventDefault()
      open(img)
    } else if (e.key === ' ') {
      e.preventDefault()
      toggle(img.id)
    }
  }

  return (
    <div className="table-wrap" tabIndex={0} onKeyDown={onKey} aria-label="Images" data-testid="image-table">
      <table className="table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.label || 'check'} className={c.className} aria-sort={c.key && sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.key ? (
                  <button type="button" className={`th-sort${sort.key === c.key ? ' active' : ''}`} onClick={() => setSort(c.key!)} data-testid={`sort-${c.key}`}>
                    {c.label}
                    <span className="sort-arrow" aria-hidden>
                      {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {images.map((img, i) => {
            const isSel = selected.includes(img.id)
            const tags = img.repoTags.length ? img.repoTags : ['<none>:<none>']
            return (
              <tr
                key={img.id}
                id={`image-row-${i}`}
                className={`clickable${i === active ? ' active' : ''}${isSel ? ' selected' : ''}`}
                onClick={() => {
                  setActive(i)
                  open(img)
                }}
                data-testid="image-row"
                data-id={img.id}
                data-name={tags[0]}
              >
                <td className="col-check" onClick={(e) => e.stopPropagation()}>
                  <input type="checkbox" checked={isSel} onChange={() => toggle(img.id)} aria-label={`Select ${tags[0]} for comparison`} />
                </td>
                <td className="col-name">
                  <span className={img.repoTags.length ? 'tag-main' : 'tag-main dangling'}>{tags[0]}</span>
                  {tags.slice(1).map((t) => (
                    <span key={t} className="tag-extra">
                      {t}
                    </span>
                  ))}
                  {img.analysed && (
                    <span className="chip chip-analysed" title="Analysed before: its results are in the layer cache, so it opens at once" data-testid="image-analysed">
                      analysed
                    </span>
                  )}
                </td>
                <td className="col-id mono muted" title={img.id}>
                  {shortId(img.id)}
                </td>
                <td className="col-created" title={formatTimestamp(img.created)}>
                  {formatRelative(img.created)}
                </td>
                <td className="col-size num" title={`As docker images shows it (inspect .Size): ${formatExactBytes(img.size)}`} data-testid="image-size">
                  <Bytes value={img.size} what="Size as docker images shows it" />
                </td>
                <td className="col-layers num">{img.layers}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
