// The images and archives opened lately: one click opens one again (from the layer cache, fast).
import { useState } from 'react'
import { sourceId } from '../../../../shared/image-source'
import { forgetRecent, recentImages } from '../../lib/recent'
import { useApp } from '../../stores'

export function RecentImages(): React.JSX.Element | null {
  const openImage = useApp((s) => s.openImage)
  const [list, setList] = useState(recentImages)
  if (list.length === 0) return null
  return (
    <div className="recent-images" data-testid="recent-images">
      <span className="muted">Recent</span>
      {list.map((r) => (
        <button
          key={sourceId(r.source)}
          type="button"
          className="chip recent-chip"
          title={r.source.kind === 'archive' ? r.source.path : `${r.source.kind} image ${r.source.ref}`}
          onClick={() => void openImage(r.source, r.name)}
        >
          {r.name}
        </button>
      ))}
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        onClick={() => {
          forgetRecent()
          setList([])
        }}
      >
        Clear
      </button>
    </div>
  )
}
