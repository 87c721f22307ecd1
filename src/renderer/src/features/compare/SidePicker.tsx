// Picks one side of a comparison: an engine image, a bundled sample archive, or any archive path.
import { useState } from 'react'
import type { ImageSource } from '../../../../shared/models/analysis'
import { formatBytes } from '../../../../shared/format'
import { useApp } from '../../stores'
import { imageRef } from '../../stores/images'
import { sourceFromKey, sourceKey } from './view-model'
import { sourceName } from '../../../../shared/image-source'

const OTHER = '__other__'

export function SidePicker({ side, value, onChange }: { side: 'a' | 'b'; value: ImageSource | null; onChange: (s: ImageSource | null) => void }): React.JSX.Element {
  const images = useApp((s) => s.images)
  const samples = useApp((s) => s.samples)
  const [typing, setTyping] = useState(false)
  const [path, setPath] = useState('')
  const current = sourceKey(value)
  const engineKeys = new Set((images ?? []).map((i) => `engine:${imageRef(i)}`))
  const sampleKeys = new Set((samples ?? []).map((s) => `archive:${s.path}`))
  const known = engineKeys.has(current) || sampleKeys.has(current)
  const letter = side.toUpperCase()
  return (
    <div className={`cmp-picker cmp-picker-${side}`}>
      <span className={`cmp-badge cmp-badge-${side}`} aria-hidden>
        {letter}
      </span>
      {typing ? (
        <form
          className="cmp-path-form"
          onSubmit={(e) => {
            e.preventDefault()
            const t = path.trim()
            // registry://HOST/REPO:TAG reads from a registry; anything else is an archive path.
            if (/^registry:\/\//i.test(t)) onChange({ kind: 'registry', ref: t.slice('registry://'.length) })
            else if (t) onChange({ kind: 'archive', path: t })
            setTyping(false)
          }}
        >
          <input
            autoFocus
            className="cmp-input"
            placeholder="/path/to/image.tar, OCI layout folder or registry://HOST/REPO:TAG"
            aria-label={`Archive path or registry reference for side ${letter}`}
            data-testid={`pick-${side}-path`}
            value={path}
            onChange={(e) => setPath(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setTyping(false)}
          />
          <button type="submit" className="btn btn-default btn-sm">
            Use
          </button>
        </form>
      ) : (
        <select
          className="cmp-select"
          aria-label={`Image ${letter}`}
          data-testid={`pick-${side}`}
          value={current}
          onChange={(e) => {
            if (e.target.value === OTHER) {
              // The side is empty until a path is given: Compare never runs with the old one.
              onChange(null)
              setTyping(true)
              return
            }
            onChange(sourceFromKey(e.target.value))
          }}
        >
          <option value="">Choose image {letter}…</option>
          {value && !known && <option value={current}>{sourceName(value)}</option>}
          {images && images.length > 0 && (
            <optgroup label="Engine images">
              {images.map((i) => (
                <option key={i.id} value={`engine:${imageRef(i)}`}>
                  {imageRef(i)} · {formatBytes(i.size)}
                </option>
              ))}
            </optgroup>
          )}
          {samples && samples.length > 0 && (
            <optgroup label="Sample archives">
              {samples.map((s) => (
                <option key={s.path} value={`archive:${s.path}`}>
                  {s.title}
                </option>
              ))}
            </optgroup>
          )}
          <option value={OTHER}>Archive path or registry://…</option>
        </select>
      )}
    </div>
  )
}
