// Which builder a stage build uses: BuildKit wherever the engine accepts `version=2` on
// /build, the legacy builder otherwise. What each engine answered is remembered by the
// DockerfileService that owns this memory, so the probe happens once per engine.
import { engineStatusCode } from '../engine/engine-errors'

export type BuilderChoice = 'auto' | 'buildkit' | 'legacy'
export type Builder = 'buildkit' | 'legacy'

/** An engine's refusal of `version=2` itself (not of this Dockerfile): use the legacy builder. */
export function isBuildkitUnsupported(e: unknown): boolean {
  const status = engineStatusCode(e)
  if (status === undefined || status < 400) return false
  const err = e as { json?: { message?: string }; message?: string; cause?: { json?: { message?: string }; message?: string } }
  const msg = err.json?.message ?? err.cause?.json?.message ?? err.cause?.message ?? err.message ?? ''
  return /buildkit|invalid version|session|not (?:supported|implemented|enabled)/i.test(msg)
}

/** Per engine (its endpoint URL): the builder that worked. A handful of engines at most. */
export class BuilderMemory {
  private readonly byEngine = new Map<string, Builder>()

  /** The builder to try first for `engineKey` under `choice`. */
  first(engineKey: string, choice: BuilderChoice): Builder {
    return choice === 'auto' ? (this.byEngine.get(engineKey) ?? 'buildkit') : choice
  }

  remember(engineKey: string, builder: Builder): void {
    this.byEngine.set(engineKey, builder)
  }
}
