// Why a stage build failed, said against the Dockerfile: which line (BuildKit's failing
// vertex, the legacy builder's last "Step N/M", or the line an error message names) and a
// hint when the engine could not pull a base.
import { vertexLine } from './buildkit-trace'
import type { ParsedDockerfile, ParsedStage } from './parser'
import type { StageRun } from './stage-run'

/** Which Dockerfile line the legacy builder's "Step N/M" is: global ARGs and every instruction count. */
export function stepLines(parsed: ParsedDockerfile, targetIndex: number): number[] {
  const lines = [...new Set(parsed.globalArgs.map((a) => a.line))]
  for (const s of parsed.stages.slice(0, targetIndex + 1)) {
    lines.push(s.from.range.startLine, ...s.instructions.map((i) => i.range.startLine))
  }
  return lines
}

/** The last "Step N/M" seen -> its line. */
export function failingLine(log: string[], steps: number[]): number | undefined {
  for (let i = log.length - 1; i >= 0; i--) {
    const m = /^Step (\d+)\/\d+ :/.exec(log[i]!)
    if (m) return steps[Number(m[1]) - 1]
  }
  return undefined
}

/** Which Dockerfile line a build error names ("dockerfile parse error line 3: ..."). */
export function lineInMessage(message: string): number | undefined {
  const m = /(?:parse error|error on) line (\d+)/i.exec(message) ?? /\bline (\d+):/.exec(message)
  return m ? Number(m[1]) : undefined
}

export function diagnoseFailure(parsed: ParsedDockerfile, stage: ParsedStage, run: StageRun): { line?: number; message: string } {
  const line = run.sawTrace
    ? ((run.failedVertex ? vertexLine(parsed, run.failedVertex, stage) : undefined) ?? lineInMessage(run.error ?? ''))
    : (failingLine(run.log, stepLines(parsed, stage.index)) ?? lineInMessage(run.error ?? ''))
  let message = run.error ?? 'The engine finished the build without an image ID.'
  if (/pull access denied|manifest unknown|dial tcp|no such host|failed to resolve|i\/o timeout|TLS handshake/i.test(message)) {
    message += ' (the engine could not pull an image this stage needs: pull or build it locally first)'
  }
  return line !== undefined ? { line, message } : { message }
}
