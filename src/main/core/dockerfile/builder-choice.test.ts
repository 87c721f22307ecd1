// When a refused BuildKit build means "use the legacy builder" (the engine cannot do BuildKit)
// and when it is a real error to report. Shapes are the errors docker-modem gives for the
// engine's HTTP answers (the first one captured from Docker 20.10.24).
import { describe, expect, it } from 'vitest'
import { BuilderMemory, isBuildkitUnsupported } from './builder-choice'

const http = (statusCode: number, message: string) => ({ statusCode, json: { message }, message: `(HTTP code ${statusCode}) unexpected - ${message}` })

describe('isBuildkitUnsupported', () => {
  it('recognises an engine refusing version=2', () => {
    expect(isBuildkitUnsupported(http(400, 'invalid version "2"'))).toBe(true)
    expect(isBuildkitUnsupported(http(400, 'buildkit not supported by daemon'))).toBe(true)
    expect(isBuildkitUnsupported(http(500, 'BuildKit is not enabled on this daemon'))).toBe(true)
    expect(isBuildkitUnsupported({ statusCode: 501, message: '(HTTP code 501) unexpected - session not supported' })).toBe(true)
  })

  it('leaves other failures alone', () => {
    expect(isBuildkitUnsupported(http(500, 'Cannot locate specified Dockerfile: Dockerfile'))).toBe(false)
    expect(isBuildkitUnsupported(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }))).toBe(false)
    expect(isBuildkitUnsupported(new Error('executor failed running [/bin/sh -c exit 3]: exit code: 3'))).toBe(false)
  })
})

describe('isBuildkitUnsupported on explained engine errors', () => {
  it('reads the engine answer kept as the cause', async () => {
    const { explainEngineError, EngineHttpError } = await import('../engine/engine-errors')
    const ctx = { endpoint: { url: 'unix:///var/run/docker.sock', via: 'default' as const }, kind: 'docker' as const }
    expect(isBuildkitUnsupported(explainEngineError(new EngineHttpError(400, 'invalid version "2"'), ctx))).toBe(true)
    expect(isBuildkitUnsupported(explainEngineError(new EngineHttpError(500, 'Cannot locate specified Dockerfile: Dockerfile'), ctx))).toBe(false)
  })
})

describe('BuilderMemory', () => {
  it('tries BuildKit first, then what the engine answered; an explicit choice wins', () => {
    const m = new BuilderMemory()
    expect(m.first('e1', 'auto')).toBe('buildkit')
    m.remember('e1', 'legacy')
    expect(m.first('e1', 'auto')).toBe('legacy')
    expect(m.first('e2', 'auto')).toBe('buildkit')
    expect(m.first('e1', 'buildkit')).toBe('buildkit')
  })
})
