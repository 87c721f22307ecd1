import { describe, expect, it } from 'vitest'
import { EngineClient } from './engine-client'

const viaDefault = new EngineClient({ ok: true, endpoint: { url: 'unix:///var/run/docker.sock', via: 'default' }, connection: { kind: 'unix', socketPath: '/var/run/docker.sock' } })
const viaPodman = new EngineClient({ ok: true, endpoint: { url: 'unix:///run/podman/podman.sock', via: 'podman' }, connection: { kind: 'unix', socketPath: '/run/podman/podman.sock' } })
const viaContext = new EngineClient({ ok: true, endpoint: { url: 'tcp://h:2376', via: 'context', context: 'prod' }, connection: { kind: 'tcp', host: 'h', port: 2376 } })

describe('EngineClient.explain', () => {
  it('turns socket errors into what to do', () => {
    const e1 = viaDefault.explain(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }))
    expect(e1.code).toBe('ENGINE_UNREACHABLE')
    expect(e1.message).toMatch(/^Docker is not running at unix:\/\/\/var\/run\/docker\.sock \(no socket there\)\. Start Docker/)
    const e2 = viaDefault.explain(Object.assign(new Error('connect EACCES'), { code: 'EACCES' }))
    expect(e2).toMatchObject({ code: 'ENGINE_PERMISSION' })
    expect(e2.message).toMatch(/usermod -aG docker/)
    expect(viaPodman.explain(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).message).toMatch(/^Podman is not running.*podman\.socket/)
    expect(viaContext.explain(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).message).toMatch(/context "prod".*docker context use default/)
  })

  it('names Podman, and how to start or reach it, when the socket is Podman\'s', () => {
    const viaHost = new EngineClient({
      ok: true,
      endpoint: { url: 'unix:///run/user/1000/podman/podman.sock', via: 'DOCKER_HOST' },
      connection: { kind: 'unix', socketPath: '/run/user/1000/podman/podman.sock' }
    })
    expect(viaHost.kind).toBe('podman')
    expect(viaHost.explain(Object.assign(new Error('x'), { code: 'ENOENT' })).message).toMatch(
      /^Podman is not running at unix:\/\/\/run\/user\/1000\/podman\/podman\.sock \(no socket there\)\. Start it with `systemctl --user start podman\.socket`.*unset DOCKER_HOST/
    )
    const denied = viaPodman.explain(Object.assign(new Error('connect EACCES'), { code: 'EACCES' }))
    expect(denied).toMatchObject({ code: 'ENGINE_PERMISSION' })
    expect(denied.message).toMatch(/systemctl --user enable --now podman\.socket/)
    expect(denied.message).not.toMatch(/docker/)
    expect(viaDefault.kind).toBe('docker')
  })

  it('keeps engine answers and TLS failures apart', () => {
    expect(viaDefault.explain(Object.assign(new Error('(HTTP code 404) no such image'), { statusCode: 404, json: { message: 'No such image: x' } }))).toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining('No such image: x')
    })
    expect(viaDefault.explain(Object.assign(new Error('boom'), { statusCode: 500, json: { message: 'disk full' } })).message).toMatch(/HTTP 500\): disk full/)
    expect(viaContext.explain(new Error('unable to verify the first certificate')).code).toBe('ENGINE_CONFIG')
  })

  it('reports a configuration problem without touching the network', async () => {
    const bad = new EngineClient({ ok: false, endpoint: { url: 'ftp://x', via: 'DOCKER_HOST' }, code: 'ENGINE_CONFIG', message: 'DOCKER_HOST="ftp://x" is not usable' })
    expect(await bad.status()).toEqual({ ok: false, endpoint: { url: 'ftp://x', via: 'DOCKER_HOST' }, code: 'ENGINE_CONFIG', message: 'DOCKER_HOST="ftp://x" is not usable' })
    await expect(bad.ping()).rejects.toThrow(/not usable/)
    await expect(bad.listImages()).rejects.toMatchObject({ code: 'ENGINE_CONFIG' })
  })
})
