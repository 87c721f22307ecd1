// The trace decoder on bytes captured from the engine's BuildKit (Docker 20.10.24, API 1.41):
// testdata/buildkit/*.trace.jsonl are the raw /build?version=2 responses for trace.Dockerfile
// (ok = the last stage, fail = --target fails). Edge cases use messages encoded here.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildkitTrace, decodeStatusResponse, parseStepName, readFields, vertexLine, type StatusResponse } from './buildkit-trace'
import { parseDockerfile } from './parser'

const dir = join(__dirname, 'testdata', 'buildkit')
const parsed = parseDockerfile(readFileSync(join(dir, 'trace.Dockerfile'), 'utf8'))
const messages = (name: string): { id?: string; aux?: unknown; error?: string }[] =>
  readFileSync(join(dir, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id?: string; aux?: unknown; error?: string })

function replay(name: string): { trace: BuildkitTrace; lines: string[] } {
  const lines: string[] = []
  const trace = new BuildkitTrace({ onLine: (l, s) => lines.push(s === 'stderr' ? `E ${l}` : l) })
  for (const m of messages(name)) if (m.id === 'moby.buildkit.trace') trace.pushAux(m.aux as string)
  trace.end()
  return { trace, lines }
}

// A minimal protobuf encoder for hand-made messages.
const varint = (n: bigint): number[] => {
  const out: number[] = []
  let v = BigInt.asUintN(64, n)
  do {
    const b = Number(v & 0x7fn)
    v >>= 7n
    out.push(v > 0n ? b | 0x80 : b)
  } while (v > 0n)
  return out
}
const key = (no: number, wire: number): number[] => varint(BigInt((no << 3) | wire))
const lenField = (no: number, body: Uint8Array | string): number[] => {
  const b = typeof body === 'string' ? Buffer.from(body) : body
  return [...key(no, 2), ...varint(BigInt(b.length)), ...b]
}
const intField = (no: number, v: bigint | number): number[] => [...key(no, 0), ...varint(BigInt(v))]
const msg = (...fields: number[][]): Uint8Array => Uint8Array.from(fields.flat())

describe('BuildKit trace decoding (captured from the real engine)', () => {
  it('decodes vertexes with digest, name, inputs and timestamps', () => {
    const first = messages('ok.trace.jsonl').find((m) => m.id === 'moby.buildkit.trace')!
    const res = decodeStatusResponse(Buffer.from(first.aux as string, 'base64'))
    expect(res.vertexes).toHaveLength(1)
    expect(res.vertexes[0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(res.vertexes[0]!.name).toBe('[internal] load remote build context')
    // Every timestamp of the capture falls on the day it was made.
    const all = messages('ok.trace.jsonl')
      .filter((m) => m.id === 'moby.buildkit.trace')
      .flatMap((m) => decodeStatusResponse(Buffer.from(m.aux as string, 'base64')).vertexes)
    const times = all.flatMap((v) => [v.started, v.completed]).filter((t): t is number => t !== undefined)
    expect(times.length).toBeGreaterThan(10)
    for (const t of times) expect(new Date(t).toISOString().slice(0, 10)).toBe('2026-11-27')
    // The graph: the RUN of stage "base" reads the WORKDIR vertex.
    const run = all.find((v) => v.name.startsWith('[base 3/3] RUN'))!
    const workdir = all.find((v) => v.name === '[base 2/3] WORKDIR /w')!
    expect(run.inputs).toContain(workdir.digest)
  })

  it('turns a successful build into the lines `--progress=plain` shows', () => {
    const { trace, lines } = replay('ok.trace.jsonl')
    expect(lines).toEqual([
      '[internal] load remote build context',
      'copy /context /',
      '[internal] load metadata for docker.io/layerscope-fixture/busybox:1',
      '[base 1/3] FROM docker.io/layerscope-fixture/busybox:1 (cached)',
      '[base 2/3] WORKDIR /w',
      `[base 3/3] RUN echo "hello from the trace fixture" && echo "to stderr" >&2 && printf 'no newline at end'`,
      'hello from the trace fixture',
      'E to stderr',
      // printed without a newline: flushed when its vertex completes
      'no newline at end',
      '[stage-2 2/3] COPY --from=base /w /w',
      '[stage-2 3/3] RUN dd if=/dev/zero of=/w/blob bs=1024 count=2',
      'E 2+0 records in',
      'E 2+0 records out',
      'exporting to image'
    ])
    expect(trace.failed).toBeUndefined()
  })

  it('maps every numbered step to its Dockerfile line (ENV gets no step; FROM <stage> neither)', () => {
    const { trace } = replay('ok.trace.jsonl')
    const lineOf = Object.fromEntries(trace.steps().map(({ vertex }) => [vertex.name.split(']')[0] + ']', vertexLine(parsed, vertex.name, parsed.stages[2])]))
    expect(lineOf).toEqual({ '[base 1/3]': 2, '[base 2/3]': 3, '[base 3/3]': 5, '[stage-2 2/3]': 11, '[stage-2 3/3]': 12 })
  })

  it('finds the failing vertex, its error and its line', () => {
    const { trace, lines } = replay('fail.trace.jsonl')
    expect(trace.failed!.name).toBe('[fails 1/1] RUN echo about to fail && exit 7')
    expect(trace.failed!.error).toBe('executor failed running [/bin/sh -c echo about to fail && exit 7]: exit code: 7')
    expect(vertexLine(parsed, trace.failed!.name, parsed.stages[1])).toBe(8)
    expect(lines.slice(-2)).toEqual([
      'about to fail',
      'E ERROR: [fails 1/1] RUN echo about to fail && exit 7: executor failed running [/bin/sh -c echo about to fail && exit 7]: exit code: 7'
    ])
    const final = messages('fail.trace.jsonl').at(-1)!
    expect(final.error).toBe(trace.failed!.error)
  })
})

describe('wire format and names', () => {
  it('reads multi-byte and negative varints, skips fixed-width fields and unknown numbers', () => {
    const ts = msg(intField(1, 1795750827n), intField(2, 160_000_000))
    const vertex = msg(lenField(1, 'sha256:aa'), lenField(3, '[a 1/1] RUN x'), intField(4, 1), lenField(5, ts), lenField(7, 'boom'), intField(99, 5))
    const log = msg(lenField(1, 'sha256:aa'), intField(3, 2), lenField(4, 'out\n'))
    const status = msg(lenField(1, 'layer'), lenField(2, 'sha256:aa'), intField(4, 300_000), intField(5, -1n))
    const buf = msg(lenField(1, vertex), [...key(6, 1), 1, 2, 3, 4, 5, 6, 7, 8], [...key(7, 5), 1, 2, 3, 4], lenField(2, status), lenField(3, log))
    const res = decodeStatusResponse(buf)
    expect(res.vertexes).toEqual([{ digest: 'sha256:aa', inputs: [], name: '[a 1/1] RUN x', cached: true, started: 1795750827160, completed: undefined, error: 'boom' }])
    expect(res.statuses[0]).toMatchObject({ id: 'layer', vertex: 'sha256:aa', current: 300_000, total: -1 })
    expect(res.logs[0]!.stream).toBe(2)
    expect(res.logs[0]!.data.toString()).toBe('out\n')
    expect(readFields(msg(intField(1, 2n ** 40n)))[0]!.int).toBe(2n ** 40n)
  })

  it('refuses truncated input instead of reading past it', () => {
    expect(() => readFields(Uint8Array.from([0x0a, 0x05, 0x61]))).toThrow(/truncated/)
    expect(() => readFields(Uint8Array.from([0x08, 0x80]))).toThrow(/truncated/)
    expect(() => readFields(Uint8Array.from([0x0b]))).toThrow(/wire type 3/)
  })

  it('parses step names, padded ones included', () => {
    expect(parseStepName('[deps  3/12] RUN npm ci')).toEqual({ stage: 'deps', step: 3, of: 12, text: 'RUN npm ci' })
    expect(parseStepName('[ 2/10] COPY . .')).toEqual({ stage: undefined, step: 2, of: 10, text: 'COPY . .' })
    expect(parseStepName('[stage-1 1/2] FROM docker.io/library/node:20')).toMatchObject({ stage: 'stage-1', step: 1 })
    expect(parseStepName('[internal] load .dockerignore')).toBeUndefined()
    expect(parseStepName('exporting to image')).toBeUndefined()
  })

  it('maps a failed image lookup to the FROM line that names the image', () => {
    const p = parseDockerfile('FROM layerscope-fixture/busybox:1 AS a\nRUN true\nFROM node:20\nCOPY --from=a /x /x\nFROM alpine\n')
    expect(vertexLine(p, '[internal] load metadata for docker.io/library/node:20')).toBe(3)
    expect(vertexLine(p, '[internal] load metadata for docker.io/library/alpine:latest')).toBe(5)
    expect(vertexLine(p, '[internal] load metadata for docker.io/layerscope-fixture/busybox:1')).toBe(1)
    expect(vertexLine(p, '[internal] load build context')).toBeUndefined()
    // a one-stage build has no stage name in its steps
    const one = parseDockerfile('FROM alpine\nENV A=1\nRUN a\nRUN b\n')
    expect(vertexLine(one, '[3/3] RUN b')).toBe(4)
    // FROM scratch gets no step either (captured: "[stage-1 1/2] COPY --from=a /x /x")
    const scratch = parseDockerfile('FROM layerscope-fixture/busybox:1 AS a\nRUN echo hi > /x\nFROM scratch\nCOPY --from=a /x /x\nCOPY hello.txt /\n')
    expect(vertexLine(scratch, '[stage-1 1/2] COPY --from=a /x /x')).toBe(4)
    expect(vertexLine(scratch, '[stage-1 2/2] COPY hello.txt /')).toBe(5)
    // an unnamed stage the stage builder targeted under a generated name (as the engine logged it)
    const unnamed = parseDockerfile('FROM layerscope-fixture/busybox:1\nRUN echo a\nRUN exit 5\nFROM layerscope-fixture/busybox:1\nCOPY --from=0 /bin/sh /sh\n')
    expect(vertexLine(unnamed, '[layerscope-stage-0 3/3] RUN exit 5')).toBe(3)
    expect(vertexLine(unnamed, '[stage-1 2/2] COPY --from=0 /bin/sh /sh')).toBe(5)
    // counts that do not add up fall back to the text
    expect(vertexLine(one, '[9/9] RUN a')).toBe(3)
  })

  it('joins output split across messages and keeps stdout and stderr apart', () => {
    const lines: string[] = []
    const steps: string[] = []
    const t = new BuildkitTrace({ onLine: (l, s) => lines.push(`${s}:${l}`), onStep: (s) => steps.push(`${s.stage}:${s.step}`) })
    const v = { digest: 'd1', inputs: [], name: '[a 2/2] RUN x', cached: false }
    const push = (r: Partial<StatusResponse>): void => t.push({ vertexes: [], statuses: [], logs: [], ...r })
    push({ vertexes: [v] })
    expect(lines).toEqual([])
    push({ vertexes: [{ ...v, started: 1 }] })
    push({ logs: [{ vertex: 'd1', stream: 1, data: Buffer.from('hel') }] })
    push({ logs: [{ vertex: 'd1', stream: 2, data: Buffer.from('warn\r\n') }] })
    push({ logs: [{ vertex: 'd1', stream: 1, data: Buffer.from('lo\nwor') }] })
    push({ vertexes: [{ ...v, started: 1, completed: 2, error: 'exit code: 1' }] })
    // a repeated update announces nothing twice
    push({ vertexes: [{ ...v, started: 1, completed: 2, error: 'exit code: 1' }] })
    expect(lines).toEqual(['stdout:[a 2/2] RUN x', 'stderr:warn', 'stdout:hello', 'stdout:wor', 'stderr:ERROR: [a 2/2] RUN x: exit code: 1'])
    expect(steps).toEqual(['a:2'])
    expect(t.failed?.error).toBe('exit code: 1')
  })
})
