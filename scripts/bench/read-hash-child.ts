// The floor of scripts/bench/analyze.ts: the engine's export read off its unix socket by one
// Node thread with every byte put through sha256 and nothing else (no tar parsing, no model).
// A first analysis must at least read and hash the content, so where the content is most of the
// bytes (the ~1 GB image) this is the least any hashing reader can take on this machine.
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { EngineClient } from '../../src/main/core/engine/engine-client'

const image = process.argv[2]!
const c = EngineClient.fromEnvironment().connection
if (c?.kind !== 'unix') {
  process.stdout.write(JSON.stringify({ skipped: 'the engine is not on a unix socket' }))
  process.exit(0)
}
const buf = Buffer.allocUnsafe(256 * 1024)
const hash = createHash('sha256')
const t0 = performance.now()
let firstByte = 0
let bytes = 0
const s = connect({
  path: c.socketPath,
  onread: {
    buffer: buf,
    callback: (n) => {
      firstByte ||= performance.now() - t0
      bytes += n
      hash.update(buf.subarray(0, n))
      return true
    }
  }
})
s.on('connect', () => s.write(`GET /images/${encodeURIComponent(image)}/get HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`))
s.on('error', (e) => {
  process.stderr.write(`${e.message}\n`)
  process.exit(1)
})
s.on('close', () => {
  hash.digest()
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, firstByteMs: firstByte, bytes }))
})
