// Keyboard moves and outlines on a laid-out treemap: pure geometry over the blocks' boxes.

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** The nearest block in an arrow's direction, by centre distance, favouring the axis. */
export function nextBlock(from: Box, all: Array<[string, Box]>, key: string): string | null {
  const cx = from.x + from.w / 2
  const cy = from.y + from.h / 2
  let best: string | null = null
  let bestD = Infinity
  for (const [path, b] of all) {
    const dx = b.x + b.w / 2 - cx
    const dy = b.y + b.h / 2 - cy
    const ok = key === 'ArrowRight' ? dx > 1 : key === 'ArrowLeft' ? dx < -1 : key === 'ArrowDown' ? dy > 1 : dy < -1
    if (!ok) continue
    const along = key === 'ArrowRight' || key === 'ArrowLeft' ? Math.abs(dx) : Math.abs(dy)
    const across = key === 'ArrowRight' || key === 'ArrowLeft' ? Math.abs(dy) : Math.abs(dx)
    const d = along + across * 2
    if (d < bestD) {
      bestD = d
      best = path
    }
  }
  return best
}

/** The block that is the path or holds it; else the level's "small entries" block, when the path is below that level. */
export function markOf(rects: Map<string, Box>, path: string): Box | undefined {
  for (const [p, b] of rects) if (path === p || path.startsWith(`${p}/`)) return b
  for (const [p, b] of rects) {
    if (!p.endsWith('/…')) continue
    const level = p.slice(0, -2)
    if (path.startsWith(`${level}/`)) return b
  }
  return undefined
}
