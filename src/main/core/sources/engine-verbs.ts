// The few engine calls the engine source needs, behind one small interface, and the one
// place engine failures become messages for this source ("No local image x").
import type Docker from 'dockerode'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError } from '../errors'
import type { EngineHistoryEntry } from './layer-source'

export interface EngineInspect {
  Id: string
  RepoTags?: string[] | null
  Size: number
  Created?: string
  Os?: string
  Architecture?: string
  Variant?: string
  RootFS?: { Layers?: string[] }
}

export interface EngineVerbs {
  inspectImage(ref: string): Promise<EngineInspect>
  imageHistory(ref: string): Promise<EngineHistoryEntry[]>
  /** Image IDs and tags (no per-image inspect). */
  listImageTags(): Promise<Array<{ Id: string; RepoTags?: string[] | null }>>
  /** The client the export reads the save stream through. */
  docker(): Docker
}

export function engineVerbs(engine: EngineClient): EngineVerbs {
  const call = async <T>(fn: () => Promise<T>, ref: string): Promise<T> => {
    try {
      return await fn()
    } catch (e) {
      throw engineError(e, ref, engine)
    }
  }
  return {
    inspectImage: (ref) => call(() => engine.docker.getImage(ref).inspect() as Promise<EngineInspect>, ref),
    imageHistory: (ref) => call(() => engine.docker.getImage(ref).history() as Promise<EngineHistoryEntry[]>, ref),
    listImageTags: () => call(() => engine.docker.listImages(), 'the image list'),
    docker: () => engine.docker
  }
}

/** A missing image names the ref and the engine's own list command; the rest is the client's explain (Docker or Podman). */
export function engineError(e: unknown, ref: string, engine?: EngineClient): LayerscopeError {
  if (e instanceof LayerscopeError) return e
  const err = e as { statusCode?: number; code?: string; message?: string; json?: { message?: string } }
  const msg = err.json?.message ?? err.message ?? String(e)
  const cli = engine?.kind === 'podman' ? 'podman' : 'docker'
  if (err.statusCode === 404) return new LayerscopeError('IMAGE_NOT_FOUND', `No local image ${ref}: \`${cli} images\` lists what this engine has.`)
  if (engine) {
    const explained = engine.explain(e)
    if (explained.code !== 'ENGINE_ERROR') return explained
  } else {
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') return new LayerscopeError('ENGINE_UNREACHABLE', `The engine is not running (${msg}); start it and try again.`)
    if (err.code === 'EACCES') return new LayerscopeError('ENGINE_PERMISSION', `No permission to talk to the engine (${msg}); add yourself to the docker group.`)
  }
  return new LayerscopeError('ENGINE_ERROR', `The engine failed on ${ref}: ${msg.trim()}`)
}
