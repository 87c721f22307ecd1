// Byte and number formatting shared by every front, so each figure reads the same way.

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const

/**
 * The size exactly as `docker images` prints it: go-units HumanSizeWithPrecision(size, 3),
 * i.e. decimal units and Go's %.3g: 7054012 -> "7.05MB", 1234 -> "1.23kB", 999 -> "999B".
 * Go's quirk is kept on purpose (999500 -> "1e+03kB") so the figures match the CLI.
 */
export function formatDockerSize(bytes: number, precision = 3): string {
  let size = bytes
  let i = 0
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000
    i++
  }
  return `${goFormatG(size, precision)}${DECIMAL_UNITS[i]}`
}

/** Go's strconv %.<p>g: shortest of fixed or exponent form, trailing zeros dropped. */
export function goFormatG(v: number, precision: number): string {
  if (v === 0) return '0'
  const s = v.toPrecision(precision)
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s)
  if (m) {
    const mant = stripZeros(m[1]!)
    return `${mant}e${m[2]}${m[3]!.padStart(2, '0')}`
  }
  return stripZeros(s)
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
}

/** Human bytes for the UI: decimal units like Docker, 3 significant digits, with a space. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : ''
  const s = formatDockerSize(Math.abs(bytes))
  return sign + s.replace(/([0-9.])([kMGTP]?B)$/, '$1 $2')
}

/** Signed human bytes for deltas: "+220 MB", "-852 MB", "0 B". */
export function formatDelta(bytes: number): string {
  if (bytes === 0) return '0 B'
  return (bytes > 0 ? '+' : '') + formatBytes(bytes)
}

/** Exact bytes with thousands separators, for tooltips: "1,234,567 bytes". */
export function formatExactBytes(bytes: number): string {
  return `${groupDigits(bytes)} bytes`
}

export function groupDigits(n: number): string {
  const neg = n < 0
  const s = Math.abs(Math.trunc(n)).toString()
  return (neg ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * 0.8734 -> "87.3%". Never rounds onto the ends: 207 B wasted of 7.6 MB reads ">99.9%", not
 * "100.0%" (which would claim no waste), and a tiny share reads "<0.1%", not "0.0%".
 */
export function formatPercent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return '–'
  const s = (ratio * 100).toFixed(digits)
  const step = (10 ** -digits).toFixed(digits)
  if (ratio < 1 && ratio > 0.5 && Number(s) >= 100) return `>${(100 - Number(step)).toFixed(digits)}%`
  if (ratio > 0 && Number(s) === 0) return `<${step}%`
  return `${s}%`
}

/** 4.93 -> "4.9x". */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–'
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}x`
}

/** Short image ID as docker prints it: 12 hex digits without the algorithm. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}

/** At most `max` characters: a longer text is cut and ends in "…" ("RUN apt-get install -y bu…"). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}

/** "1 file", "12,034 files": a count with its noun, singular for exactly one. */
export function formatCount(n: number, noun: string, plural = `${noun}s`): string {
  return `${groupDigits(n)} ${n === 1 ? noun : plural}`
}

const TYPE_CHAR: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', other: '?', whiteout: 'w', opaque: 'o' }

/** `ls -l` / `tar -tv` permissions: "drwxr-xr-x", with s/S and t/T for setuid, setgid, sticky. */
export function modeString(type: string, mode: number): string {
  const bit = (m: number, c: string): string => (mode & m ? c : '-')
  const x = (m: number, special: number, on: string, off: string): string => (mode & special ? (mode & m ? on : off) : bit(m, 'x'))
  return (
    (TYPE_CHAR[type] ?? '?') +
    bit(0o400, 'r') + bit(0o200, 'w') + x(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') + bit(0o020, 'w') + x(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') + bit(0o002, 'w') + x(0o001, 0o1000, 't', 'T')
  )
}
