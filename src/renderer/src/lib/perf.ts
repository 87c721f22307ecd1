// Performance marks read by scripts/bench/ui.ts (first treemap paint after analysis, drill steps).

/** Runs `fn` after the browser has painted the current frame (two rAFs: layout + paint). */
export function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => requestAnimationFrame(fn))
}

export function mark(name: string): void {
  try {
    performance.mark(name)
  } catch {
    // performance API missing (old test envs): marks are for benchmarks only.
  }
}

let drillSeq = 0
/** Starts a drill-down step; call the returned function once the new level is painted. */
export function startDrillStep(): () => void {
  const n = ++drillSeq
  mark(`drill-start-${n}`)
  return () => {
    mark(`drill-end-${n}`)
    try {
      performance.measure('drill-step', `drill-start-${n}`, `drill-end-${n}`)
    } catch {
      // ignore
    }
  }
}
