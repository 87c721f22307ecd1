// Test images for compare, shared by the integration tests, e2e and the benchmark: the same
// small app built single-stage (toolchain + sources + artefact) and multi-stage (only the
// artefact on the base), and two tags sharing one base. Every byte comes from files carried
// here or from dd/seq inside RUN: no registry, no network.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage } from '../../../../../scripts/fixtures/base-image'

export const COMPARE_PREFIX = 'layerscope-test/compare-'
export const APP_SINGLE = 'layerscope-test/compare-app:single'
export const APP_MULTI = 'layerscope-test/compare-app:multi'
export const SHARED_BASE = 'layerscope-test/compare-base:1'
export const TAG_V1 = 'layerscope-test/compare-tags:v1'
export const TAG_V2 = 'layerscope-test/compare-tags:v2'

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), 'app')

function appFiles(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {}
  for (const sub of ['src', 'toolchain']) {
    for (const name of readdirSync(join(APP_DIR, sub))) files[`${sub}/${name}`] = readFileSync(join(APP_DIR, sub, name))
  }
  return files
}

/** The build stage, identical in both Dockerfiles (so the legacy builder reuses its layers). */
function buildStage(toolchainKB: number, from: string): string {
  const gcc = '/usr/lib/gcc/x86_64-linux-gnu/12'
  const cc1 = Math.round(toolchainKB * 0.6)
  const lto = toolchainKB - cc1
  return [
    `FROM ${from} AS build`,
    `COPY toolchain/ ${gcc}/`,
    `RUN chmod 755 ${gcc}/cc && dd if=/dev/zero of=${gcc}/cc1 bs=1024 count=${cc1} 2>/dev/null && dd if=/dev/zero of=${gcc}/lto1 bs=1024 count=${lto} 2>/dev/null && mkdir -p /usr/include && seq 1 20000 > /usr/include/stdio.h && seq 1 5000 > /usr/include/stdlib.h`,
    'COPY src/ /src/',
    `RUN mkdir -p /app && ${gcc}/cc /app/app.bin /src/main.c /src/util.c && dd if=/dev/zero bs=1024 count=256 2>/dev/null >> /app/app.bin && ${gcc}/cc --version > /app/VERSION`
  ].join('\n')
}

export interface AppFixtureOptions {
  /** Bytes of the stand-in toolchain, in KiB (default 5 MiB). */
  toolchainKB?: number
}

/** Builds (or reuses through the build cache) the single- and multi-stage app images. */
export async function buildAppImages(opts: AppFixtureOptions = {}): Promise<{ single: string; multi: string }> {
  await ensureBaseImage()
  const kb = opts.toolchainKB ?? 5120
  const files = appFiles()
  const cmd = 'CMD ["/bin/cat", "/app/VERSION"]'
  buildImage(APP_SINGLE, `${buildStage(kb, BASE_IMAGE)}\n${cmd}\n`, files)
  buildImage(APP_MULTI, `${buildStage(kb, BASE_IMAGE)}\n\nFROM ${BASE_IMAGE}\nCOPY --from=build /app/ /app/\n${cmd}\n`, files)
  return { single: APP_SINGLE, multi: APP_MULTI }
}

/**
 * Two tags on one shared base (one extra base layer): v2 adds, removes and changes files
 * relative to v1 (a file's size, a symlink's target, a file turned into a directory).
 */
export async function buildTaggedImages(): Promise<{ base: string; v1: string; v2: string }> {
  await ensureBaseImage()
  buildImage(
    SHARED_BASE,
    `FROM ${BASE_IMAGE}\nRUN mkdir -p /opt/lib && dd if=/dev/zero of=/opt/lib/libshared.so bs=1024 count=512 2>/dev/null && seq 1 1000 > /opt/lib/list.txt\n`
  )
  const tag = (v: 1 | 2): string =>
    [
      `FROM ${SHARED_BASE}`,
      'COPY srv/ /srv/',
      v === 1
        ? 'RUN ln -s /srv/app-v1 /srv/current && dd if=/dev/zero of=/srv/data.bin bs=1024 count=100 2>/dev/null && echo plain > /srv/plugins'
        : 'RUN ln -s /srv/app-v2 /srv/current && dd if=/dev/zero of=/srv/data.bin bs=1024 count=300 2>/dev/null && mkdir -p /srv/plugins && seq 1 3000 > /srv/plugins/list',
      ''
    ].join('\n')
  buildImage(TAG_V1, tag(1), { 'srv/app-v1': 'v1 app\n', 'srv/common.txt': 'hello\n', 'srv/only-v1.txt': 'gone in v2\n' })
  buildImage(TAG_V2, tag(2), { 'srv/app-v2': 'v2 app, a little longer\n', 'srv/common.txt': 'hello world\n' })
  return { base: SHARED_BASE, v1: TAG_V1, v2: TAG_V2 }
}

export interface BigPairOptions {
  baseMB: number
  sideMB: number
}

/** Two big images sharing a big base, for the benchmark (dd inside RUN; nothing carried). */
export async function buildBigPair(o: BigPairOptions): Promise<{ a: string; b: string }> {
  await ensureBaseImage()
  const base = `${COMPARE_PREFIX}bench-base:${o.baseMB}`
  buildImage(base, `FROM ${BASE_IMAGE}\nRUN mkdir -p /data && dd if=/dev/zero of=/data/base.bin bs=1048576 count=${o.baseMB} 2>/dev/null\n`)
  const side = (name: string): string => {
    const tag = `${COMPARE_PREFIX}bench-${name}:${o.baseMB}-${o.sideMB}`
    // Several files per side, so parsing does real per-entry work, not one giant file.
    const n = 8
    const each = Math.max(1, Math.round(o.sideMB / n))
    buildImage(tag, `FROM ${base}\nRUN mkdir -p /data/${name} && for i in $(seq 1 ${n}); do dd if=/dev/zero of=/data/${name}/part$i.bin bs=1048576 count=${each} 2>/dev/null; done && seq 1 100000 > /data/${name}/index.txt\n`)
    return tag
  }
  return { a: side('a'), b: side('b') }
}

/** Exact inspect facts of an image, for checking numbers against the engine. */
export function inspectImage(ref: string): { id: string; size: number; layers: string[] } {
  const j = JSON.parse(docker(['image', 'inspect', ref]))[0] as { Id: string; Size: number; RootFS: { Layers: string[] } }
  return { id: j.Id, size: j.Size, layers: j.RootFS.Layers }
}
