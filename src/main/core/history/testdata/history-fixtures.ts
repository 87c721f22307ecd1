// A repository's history built here from files this folder carries (bulk bytes from dd in RUN):
//   1.0.0  base 1 + app
//   1.1.0  base 1 + app + a dependency (/opt/dep, 2 MiB)       dependency added
//   1.2.0  base 1 + app                                         dependency removed
//   1.3.0  base 2 + app (the base's library grew by 1 MiB)      base change
//   1.4.0  base 2 + a C toolchain (/usr/lib/gcc, 4 MiB) + app   toolchain leaking into the final stage
// Built in this order, so the configs' created times put them in this order too.
import { BASE_IMAGE, buildImage, docker, ensureBaseImage } from '../../../../../scripts/fixtures/base-image'

export const HISTORY_PREFIX = 'layerscope-test/history-'
export const HISTORY_REPO = 'layerscope-test/history-app'
export const HISTORY_TAGS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'] as const
const BASE = (n: 1 | 2): string => `${HISTORY_PREFIX}base:${n}`
const GCC = '/usr/lib/gcc/x86_64-linux-gnu/12'

const FILES: Record<string, string> = {
  'app/run.sh': '#!/bin/sh\necho "history app $(cat /app/VERSION)"\n',
  'app/config.ini': '[server]\nport = 8080\nworkers = 2\n',
  'dep/README': 'libdep: the dependency 1.1.0 added and 1.2.0 removed again.\n',
  'toolchain/cc': '#!/bin/sh\n# stand-in C compiler driver\necho "cc (stand-in) 12.2.0"\n',
  'toolchain/specs': '*cpp:\n%{posix:-D_POSIX_SOURCE}\n'
}

function app(version: string): string[] {
  return ['COPY app/ /app/', `RUN echo ${version} > /app/VERSION`, 'CMD ["/bin/sh", "/app/run.sh"]']
}

function dockerfile(tag: (typeof HISTORY_TAGS)[number]): string {
  switch (tag) {
    case '1.0.0':
    case '1.2.0':
      return [`FROM ${BASE(1)}`, ...app(tag)].join('\n')
    case '1.1.0':
      return [`FROM ${BASE(1)}`, 'COPY dep/ /opt/dep/', 'RUN dd if=/dev/zero of=/opt/dep/libdep.so bs=1024 count=2048 2>/dev/null', ...app(tag)].join('\n')
    case '1.3.0':
      return [`FROM ${BASE(2)}`, ...app(tag)].join('\n')
    case '1.4.0':
      return [`FROM ${BASE(2)}`, `COPY toolchain/ ${GCC}/`, `RUN dd if=/dev/zero of=${GCC}/cc1 bs=1024 count=4096 2>/dev/null`, ...app(tag)].join('\n')
  }
}

/** Builds the bases and the five tags (the build cache makes reruns cheap); returns REPO:TAG refs. */
export async function buildHistoryImages(): Promise<string[]> {
  await ensureBaseImage()
  for (const n of [1, 2] as const) {
    buildImage(BASE(n), `FROM ${BASE_IMAGE}\nRUN mkdir -p /opt/base && dd if=/dev/zero of=/opt/base/libbase.so bs=1024 count=${n === 1 ? 512 : 1536} 2>/dev/null\n`)
  }
  const refs: string[] = []
  for (const tag of HISTORY_TAGS) {
    const ref = `${HISTORY_REPO}:${tag}`
    buildImage(ref, `${dockerfile(tag)}\n`, FILES)
    refs.push(ref)
  }
  return refs
}

/** What the engine itself says of an image (docker image inspect through the CLI). */
export function engineFigures(ref: string): { id: string; size: number; layers: string[]; created: string } {
  const j = JSON.parse(docker(['image', 'inspect', ref]))[0] as { Id: string; Size: number; RootFS: { Layers: string[] }; Created: string }
  return { id: j.Id, size: j.Size, layers: j.RootFS.Layers, created: j.Created }
}

export const TOOLCHAIN_DIR = GCC
