import { describe, expect, it } from 'vitest'
import { EngineHttpError, EngineTimeoutError, explainEngineError } from './engine-errors'

const docker = { endpoint: { url: 'unix:///var/run/docker.sock', via: 'default' as const }, kind: 'docker' as const }
const podman = { endpoint: { url: 'unix:///run/podman/podman.sock', via: 'podman' as const }, kind: 'podman' as const }

describe('explainEngineError', () => {
  it('a 404 about an image names it and the engine\'s list command', () => {
    expect(explainEngineError(new EngineHttpError(404, 'No such image: app:1'), { ...docker, ref: 'app:1' })).toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: 'No local image app:1: `docker images` lists what this engine has.'
    })
    expect(explainEngineError(new EngineHttpError(404, 'No such image: app:1'), { ...podman, ref: 'app:1' }).message).toMatch(/`podman images`/)
  })

  it('a timeout is ENGINE_UNREACHABLE saying how long it waited and for what', () => {
    const e = explainEngineError(new EngineTimeoutError('inspecting app:1', 1500), docker)
    expect(e.code).toBe('ENGINE_UNREACHABLE')
    expect(e.message).toBe('Docker at unix:///var/run/docker.sock did not answer within 1.5 s (inspecting app:1). Check that the engine is running and not stuck (`docker info`), then retry.')
  })

  it('a connection closed mid-answer says the engine went away', () => {
    expect(explainEngineError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), docker).message).toMatch(/^Docker is not running at .* \(the connection was closed\)/)
    expect(explainEngineError(new Error('socket hang up'), docker)).toMatchObject({ code: 'ENGINE_UNREACHABLE' })
  })

  it('other answers keep their status and the engine\'s words', () => {
    expect(explainEngineError(new EngineHttpError(409, 'image is being used by running container 1234'), docker)).toMatchObject({
      code: 'ENGINE_ERROR',
      message: 'The engine at unix:///var/run/docker.sock answered (HTTP 409): image is being used by running container 1234'
    })
  })
})
