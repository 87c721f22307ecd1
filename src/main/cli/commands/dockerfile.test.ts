import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDockerfile } from '../../core/dockerfile/dockerfile-analysis'
import { formatAnalysis, parseBuildArgs, resolvePaths } from './dockerfile'

const CTX = join(__dirname, '../../core/dockerfile/testdata/node-like')

describe('dockerfile command', () => {
  it('resolves PATH, --file and --context like docker build', () => {
    expect(resolvePaths(CTX, {})).toEqual({ path: join(CTX, 'Dockerfile'), contextDir: CTX })
    expect(resolvePaths(CTX, { file: '/x/Other.Dockerfile' })).toEqual({ path: '/x/Other.Dockerfile', contextDir: CTX })
    expect(resolvePaths(join(CTX, 'Dockerfile'), { context: '/tmp' })).toEqual({ path: join(CTX, 'Dockerfile'), contextDir: '/tmp' })
    expect(() => resolvePaths(join(CTX, 'Dockerfile'), { file: 'x' })).toThrow(/--file goes with a context folder/)
  })

  it('reads --build-arg pairs', () => {
    expect(parseBuildArgs(['A=1', 'B=x=y'])).toEqual({ A: '1', B: 'x=y' })
    expect(() => parseBuildArgs(['LAYERSCOPE_SURELY_UNSET_VAR'])).toThrow(/NAME=value/)
  })

  it('prints stages, what passes between them, the context and ranked advice', async () => {
    const { analysis } = await openDockerfile({ path: CTX })
    const text = formatAnalysis(analysis)
    expect(text).toContain('Stages (target 3 marked *)')
    expect(text).toMatch(/deps\s+lines 3-7\s+FROM layerscope-fixture\/busybox:1\s+not built \(use --build\)/)
    expect(text).toMatch(/lint\s+lines 14-15.*unused: cannot reach the target/)
    expect(text).toMatch(/deps -> 3\s+line 20\s+COPY --from\s+\/app\/node_modules\s+not measured/)
    expect(text).toMatch(/sent with your \.dockerignore\s+[\d.]+ kB\s+6 files/)
    expect(text).toContain('[high] node_modules copied from stage deps include devDependencies')
    expect(text).toContain('[medium] The final image runs as root')
  })
})
