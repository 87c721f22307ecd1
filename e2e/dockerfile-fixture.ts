// A Dockerfile whose screen shows every state worth a look: an external image the engine has
// (sized by inspect), one only a registry has (download size, with a measured -slim sibling),
// a COPY source the context lacks, big context files nothing uses, and a build that fails in
// its second stage after the first one was measured. Used by dockerfile-states.spec.ts and
// the screenshots (screens.spec.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../scripts/fixtures/base-image'
import { pushImage, registrySkipReason, skopeoRawManifest, startRegistry, type TestRegistry } from '../scripts/test-env/registry'

const PREFIX = 'layerscope-test/e2e-df-states'

export interface DockerfileStates {
  dir: string
  dockerfile: string
  /** The registry image (HOST/e2e/tools:1) when a registry could start, else null. */
  registryRef: string | null
  /** Its manifest's download size (layer blobs + config) and its -slim sibling's. */
  download?: { own: number; slim: number }
  /** Lines of the Dockerfile the tests point at. */
  lines: { failing: number; missingCopy: number }
  stop: () => Promise<void>
}

export const FAILING_RUN = 'RUN sh /app/check.sh'

async function manifestSize(host: string, ref: string): Promise<number> {
  const m = (await skopeoRawManifest(host, ref)).json as { config: { size: number }; layers: Array<{ size: number }> }
  return m.layers.reduce((n, l) => n + l.size, 0) + m.config.size
}

export async function makeDockerfileStates(): Promise<DockerfileStates> {
  await ensureBaseImage()
  let reg: TestRegistry | null = null
  let download: DockerfileStates['download']
  if (!registrySkipReason()) {
    reg = await startRegistry()
    buildImage(`${PREFIX}-slim:1`, 'FROM scratch\nCOPY tool /tool\n', { tool: Buffer.alloc(40_000, 5) })
    await pushImage(`docker-daemon:${BASE_IMAGE}`, reg.host, 'e2e/tools:1')
    await pushImage(`docker-daemon:${PREFIX}-slim:1`, reg.host, 'e2e/tools:1-slim')
    download = { own: await manifestSize(reg.host, 'e2e/tools:1'), slim: await manifestSize(reg.host, 'e2e/tools:1-slim') }
  }
  const registryRef = reg ? `${reg.host}/e2e/tools:1` : null
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-e2e-df-'))
  // The final stage is never built (the build stage fails first): its registry image is not pulled.
  const text = [
    `FROM ${BASE_IMAGE} AS base`,
    'RUN mkdir -p /opt/data && dd if=/dev/zero of=/opt/data/seed.bin bs=1024 count=64',
    'FROM base AS build',
    'COPY check.sh /app/check.sh',
    FAILING_RUN,
    'FROM base',
    'COPY config/app.yml /etc/app/app.yml',
    ...(registryRef ? [`COPY --from=${registryRef} /bin/busybox /usr/local/bin/tool`] : []),
    'COPY --from=build /app /app',
    'USER 1000',
    ''
  ].join('\n')
  writeFileSync(join(dir, 'Dockerfile'), text)
  writeFileSync(join(dir, 'check.sh'), 'echo "checking the toolchain"\necho "error: libfoo.so.2 not found" >&2\nexit 3\n')
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'assets', 'demo.mp4'), Buffer.alloc(3_200_000, 1))
  writeFileSync(join(dir, 'assets', 'backup.tar'), Buffer.alloc(1_500_000, 2))
  writeFileSync(join(dir, 'notes.md'), '# notes\n')
  return {
    dir,
    dockerfile: join(dir, 'Dockerfile'),
    registryRef,
    ...(download ? { download } : {}),
    lines: { failing: 5, missingCopy: 7 },
    stop: async () => {
      await reg?.stop()
      removeTestImages(PREFIX)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
