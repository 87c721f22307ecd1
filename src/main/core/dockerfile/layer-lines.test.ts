import { describe, expect, it } from 'vitest'
import { historyFromEngine as rawHistoryFromEngine } from '../analysis/history'
import { historyFromEngine, linkLayersToLines, parseCreatedBy } from './layer-lines'
import { parseDockerfile } from './parser'

const DOCKERFILE = `ARG BASE=busybox
FROM \${BASE} AS deps
WORKDIR /app
COPY package.json ./
RUN dd if=/dev/zero of=x bs=1 count=5 && \\
    echo done

FROM deps AS build
ARG MODE=fast
RUN echo build $MODE

FROM \${BASE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/x ./x
CMD ["sh", "-c", "cat x"]
`

describe('created_by parsing', () => {
  it('reads legacy-builder and BuildKit forms', () => {
    expect(parseCreatedBy('/bin/sh -c #(nop)  CMD ["sh" "-c" "cat x"]')).toEqual({ keyword: 'CMD', body: '["sh" "-c" "cat x"]' })
    expect(parseCreatedBy('/bin/sh -c #(nop) COPY dir:abc123 in ./dist ')).toEqual({ keyword: 'COPY', body: 'dir:abc123 in ./dist', dest: './dist' })
    expect(parseCreatedBy('|1 MODE=fast /bin/sh -c echo build $MODE')).toEqual({ keyword: 'RUN', body: 'echo build $MODE' })
    expect(parseCreatedBy('RUN |1 MODE=fast /bin/sh -c echo build $MODE # buildkit')).toEqual({ keyword: 'RUN', body: 'echo build $MODE' })
    expect(parseCreatedBy('COPY /app/x ./x # buildkit')).toEqual({ keyword: 'COPY', body: '/app/x ./x', dest: './x' })
    expect(parseCreatedBy('WORKDIR /app')).toEqual({ keyword: 'WORKDIR', body: '/app' })
    expect(parseCreatedBy('')).toEqual({ keyword: '', body: '' })
  })
})

describe('layer <-> line', () => {
  const parsed = parseDockerfile(DOCKERFILE)
  it('links the final image history to the final stage, base layers to FROM, our label to nothing', () => {
    // Legacy builder history of the final stage, oldest first (as `docker history` reversed).
    const history = [
      { createdBy: '/bin/sh -c #(nop) ADD file:aaa in / ', size: 2_000_000 },
      { createdBy: '/bin/sh -c #(nop)  CMD ["sh"]', size: 0 },
      { createdBy: '/bin/sh -c #(nop) WORKDIR /app', size: 0 },
      { createdBy: '/bin/sh -c #(nop)  ENV NODE_ENV=production', size: 0 },
      { createdBy: '/bin/sh -c #(nop) COPY file:bbb in ./x ', size: 5 },
      { createdBy: '/bin/sh -c #(nop)  CMD ["sh" "-c" "cat x"]', size: 0 },
      { createdBy: '/bin/sh -c #(nop)  LABEL org.layerscope.stage-build=1', size: 0 }
    ]
    const links = linkLayersToLines(parsed, parsed.stages[2]!, history)
    expect(links.map((l) => [l.historyIndex, l.stage, l.line, l.confidence])).toEqual([
      [0, 'busybox', 12, 'likely'],
      [1, 'busybox', 12, 'likely'],
      [2, '2', 13, 'exact'],
      [3, '2', 14, 'exact'],
      [4, '2', 15, 'exact'],
      [5, '2', 16, 'exact'],
      [6, '2', undefined, 'none']
    ])
  })

  it('follows the FROM chain stage by stage (legacy ARG steps included)', () => {
    const history = [
      { createdBy: '', size: 2_000_000 },
      { createdBy: '/bin/sh -c #(nop) WORKDIR /app', size: 0 },
      { createdBy: '/bin/sh -c #(nop) COPY file:ccc in ./ ', size: 20 },
      { createdBy: '/bin/sh -c dd if=/dev/zero of=x bs=1 count=5 &&     echo done', size: 5 },
      { createdBy: '/bin/sh -c #(nop)  ARG MODE=fast', size: 0 },
      { createdBy: '|1 MODE=fast /bin/sh -c echo build $MODE', size: 0 }
    ]
    const links = linkLayersToLines(parsed, parsed.stages[1]!, history)
    expect(links.map((l) => [l.stage, l.line, l.confidence])).toEqual([
      ['busybox', 2, 'likely'],
      ['deps', 3, 'exact'],
      ['deps', 4, 'exact'],
      ['deps', 5, 'exact'],
      ['build', 9, 'exact'],
      ['build', 10, 'exact']
    ])
  })

  it('numbers layers from engine history only when every layer is accounted for', () => {
    const api = [
      { CreatedBy: '/bin/sh -c #(nop)  CMD ["x"]', Size: 0 },
      { CreatedBy: '/bin/sh -c #(nop) WORKDIR /app', Size: 0 },
      { CreatedBy: '', Size: 100 }
    ]
    expect(historyFromEngine(api, 2).map((h) => h.layerIndex)).toEqual([0, 1, undefined])
    expect(historyFromEngine(api, 3).every((h) => h.layerIndex === undefined)).toBe(true)
  })

  it('gives each entry its text and bytes, and the same layer steps as the analysis history', () => {
    const api = [
      { CreatedBy: '/bin/sh -c #(nop)  CMD ["x"]', Size: 0 },
      { CreatedBy: '/bin/sh -c #(nop) WORKDIR /app', Size: 0 },
      { CreatedBy: '', Size: 100 }
    ]
    expect(historyFromEngine(api, 2)).toEqual([
      { createdBy: '', size: 100, emptyLayer: false, layerIndex: 0 },
      { createdBy: '/bin/sh -c #(nop) WORKDIR /app', size: 0, emptyLayer: false, layerIndex: 1 },
      { createdBy: '/bin/sh -c #(nop)  CMD ["x"]', size: 0, emptyLayer: true }
    ])
    // Not exact: no guess is passed on, not even which steps are empty.
    expect(historyFromEngine(api, 3)).toEqual([
      { createdBy: '', size: 100 },
      { createdBy: '/bin/sh -c #(nop) WORKDIR /app', size: 0 },
      { createdBy: '/bin/sh -c #(nop)  CMD ["x"]', size: 0 }
    ])
    expect(historyFromEngine(api, 2).map((h) => h.emptyLayer)).toEqual(rawHistoryFromEngine(api, 2).map((h) => h.empty_layer))
    // A pinned layer count reaches the rule.
    const ties = [{ CreatedBy: '/bin/sh -c b', Size: 0 }, { CreatedBy: '/bin/sh -c a', Size: 0 }, { CreatedBy: '', Size: 5 }]
    expect(historyFromEngine(ties, 2).map((h) => h.layerIndex)).toEqual([undefined, undefined, undefined])
    expect(historyFromEngine(ties, 2, [1, 1, 2]).map((h) => h.layerIndex)).toEqual([0, undefined, 1])
  })
})
