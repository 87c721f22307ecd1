// A vertical drag handle between two panes; the parent stores the width (remembered in settings).
import { useRef } from 'react'

export function Splitter({ width, onChange, min = 320, max = 900, label }: { width: number; onChange: (w: number) => void; min?: number; max?: number; label: string }): React.JSX.Element {
  const start = useRef<{ x: number; w: number } | null>(null)
  const clamp = (w: number): number => Math.max(min, Math.min(max, Math.round(w)))
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={(e) => {
        start.current = { x: e.clientX, w: width }
        e.currentTarget.setPointerCapture(e.pointerId)
      }}
      onPointerMove={(e) => {
        if (start.current) onChange(clamp(start.current.w + e.clientX - start.current.x))
      }}
      onPointerUp={() => (start.current = null)}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') onChange(clamp(width - 20))
        else if (e.key === 'ArrowRight') onChange(clamp(width + 20))
      }}
    />
  )
}
