// A minimal PNG reader for tests (8-bit RGB/RGBA, non-interlaced: what resvg writes), so the
// golden-image test compares pixels without an extra dependency.
import { inflateSync } from 'node:zlib'

export interface DecodedPng {
  width: number
  height: number
  /** RGBA, 4 bytes a pixel. */
  rgba: Buffer
}

export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG')
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('IHDR is not the first chunk')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

export function decodePng(png: Buffer): DecodedPng {
  const { width, height } = pngSize(png)
  const depth = png[24]!
  const colorType = png[25]!
  const interlace = png[28]!
  if (depth !== 8 || (colorType !== 6 && colorType !== 2) || interlace !== 0) {
    throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${interlace}`)
  }
  const idat: Buffer[] = []
  for (let off = 8; off < png.length; ) {
    const len = png.readUInt32BE(off)
    const type = png.subarray(off + 4, off + 8).toString('latin1')
    if (type === 'IDAT') idat.push(png.subarray(off + 8, off + 8 + len))
    if (type === 'IEND') break
    off += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const bpp = colorType === 6 ? 4 : 3
  const stride = width * bpp
  const out = Buffer.alloc(width * height * 4)
  let prev = Buffer.alloc(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)))
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp]! : 0
      const b = prev[i]!
      const c = i >= bpp ? prev[i - bpp]! : 0
      let add = 0
      if (filter === 1) add = a
      else if (filter === 2) add = b
      else if (filter === 3) add = (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      line[i] = (line[i]! + add) & 0xff
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = line[x * bpp + k]!
      out[(y * width + x) * 4 + 3] = bpp === 4 ? line[x * bpp + 3]! : 255
    }
    prev = line
  }
  return { width, height, rgba: out }
}

/** Share of pixels whose largest channel difference exceeds `threshold` (0..255). */
export function pixelDiff(a: DecodedPng, b: DecodedPng, threshold = 32): number {
  if (a.width !== b.width || a.height !== b.height) return 1
  let bad = 0
  for (let i = 0; i < a.rgba.length; i += 4) {
    let d = 0
    for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs(a.rgba[i + k]! - b.rgba[i + k]!))
    if (d > threshold) bad++
  }
  return bad / (a.width * a.height)
}
