// The build context exactly as `docker build` would send it, plus the Dockerfile we send:
// unnamed stages we target get a generated name, and a Dockerfile outside the context is
// added to it under a name of its own.
import { readFile } from 'node:fs/promises'
import { basename, relative, sep } from 'node:path'
import { ContextFilter, listContext, readDockerignore, type ContextEntry } from './context-walk'
import type { ParsedDockerfile, ParsedStage } from './parser'

export interface StageContext {
  entries: ContextEntry[]
  /** The Dockerfile's path inside the context, as /build's `dockerfile` names it. */
  dockerfileRel: string
  /** Per stage index: the --target name (undefined for the last stage). */
  targets: Map<number, string | undefined>
}

/**
 * The legacy builder can only target stages by name: unnamed stages we must target get a name
 * appended to their FROM line (same line numbers, so history and errors still line up).
 */
export function nameStagesForTarget(parsed: ParsedDockerfile, stages: ParsedStage[]): { text: string; targets: Map<number, string | undefined> } {
  const lines = parsed.text.split('\n')
  const last = parsed.stages.length - 1
  const targets = new Map<number, string | undefined>()
  for (const s of stages) {
    if (s.name) targets.set(s.index, s.name)
    else if (s.index === last) targets.set(s.index, undefined)
    else {
      const name = `layerscope-stage-${s.index}`
      const li = s.from.range.endLine - 1
      lines[li] = `${lines[li]!.replace(/\s+$/, '')} AS ${name}`
      targets.set(s.index, name)
    }
  }
  return { text: lines.join('\n'), targets }
}

export async function prepareStageContext(o: {
  parsed: ParsedDockerfile
  stages: ParsedStage[]
  dockerfilePath: string
  contextDir: string
  signal?: AbortSignal
}): Promise<StageContext> {
  const all = await listContext(o.contextDir, o.signal)
  const rel = relative(o.contextDir, o.dockerfilePath)
  const inside = !rel.startsWith('..') && !rel.startsWith(sep) && rel !== ''
  const dockerfileRel = inside ? rel.split(sep).join('/') : `.layerscope-dockerfile-${basename(o.dockerfilePath)}`
  const entries = new ContextFilter((await readDockerignore(o.contextDir)) ?? [], dockerfileRel).select(all)
  const named = nameStagesForTarget(o.parsed, o.stages)
  if (named.text !== o.parsed.text || !inside) {
    const content = named.text === o.parsed.text ? await readFile(o.dockerfilePath) : Buffer.from(named.text)
    const i = entries.findIndex((e) => e.rel === dockerfileRel)
    const entry: ContextEntry = { rel: dockerfileRel, type: 'file', size: content.length, mode: 0o644, mtimeMs: Date.now(), content }
    if (i >= 0) entries[i] = entry
    else entries.push(entry)
  }
  return { entries, dockerfileRel, targets: named.targets }
}
