// How fast the registry client streams a verified blob, against curl on the same blob of a
// real local docker-registry (the transfer's physical limit here). Prints MB/s for both, the
// ratio, and the client's peak RSS. Usage: node --import tsx scripts/test-env/registry-throughput.ts [MB]
import { execFileSync } from 'node:child_process'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage } from '../fixtures/base-image'
import { RegistryClient } from '../../src/main/core/registry'
import { pushImage, startRegistry } from './registry'

const MB = Number(process.argv[2] ?? 300)
const TAG = `layerscope-test/registry-throughput:${MB}`

async function main(): Promise<void> {
  await ensureBaseImage()
  buildImage(TAG, `FROM ${BASE_IMAGE}\nRUN dd if=/dev/urandom of=/big bs=1048576 count=${MB} 2>/dev/null\n`)
  const reg = await startRegistry()
  try {
    await pushImage(`docker-daemon:${TAG}`, reg.host, 'tp:1')
    const client = new RegistryClient()
    const r = await client.resolve(`registry://${reg.host}/tp:1`)
    const big = [...r.manifest.layers].sort((a, b) => b.size - a.size)[0]!
    const url = `${reg.url}/v2/tp/blobs/${big.digest}`
    const best = (f: () => Promise<number> | number, n = 3): Promise<number> =>
      (async () => {
        let min = Infinity
        for (let i = 0; i < n; i++) min = Math.min(min, await f())
        return min
      })()
    const curl = await best(() => {
      const t = process.hrtime.bigint()
      execFileSync('curl', ['-sf', '-o', '/dev/null', url])
      return Number(process.hrtime.bigint() - t) / 1e9
    })
    const curlSha = await best(() => {
      const t = process.hrtime.bigint()
      execFileSync('sh', ['-c', `curl -sf '${url}' | sha256sum > /dev/null`])
      return Number(process.hrtime.bigint() - t) / 1e9
    })
    let peak = process.memoryUsage().rss
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const ours = await best(async () => {
      const t = process.hrtime.bigint()
      let n = 0
      for await (const c of await client.openBlob(`registry://${reg.host}/tp:1`, big)) n += (c as Buffer).length
      if (n !== big.size) throw new Error('short read')
      return Number(process.hrtime.bigint() - t) / 1e9
    })
    clearInterval(timer)
    client.close()
    const mbps = (s: number): string => `${(big.size / 1e6 / s).toFixed(0)} MB/s`
    console.log(`blob ${big.digest.slice(0, 19)}… ${(big.size / 1e6).toFixed(1)} MB (best of 3)`)
    console.log(`curl > /dev/null            ${curl.toFixed(2)} s  ${mbps(curl)}`)
    console.log(`curl | sha256sum            ${curlSha.toFixed(2)} s  ${mbps(curlSha)}`)
    console.log(`RegistryClient.openBlob     ${ours.toFixed(2)} s  ${mbps(ours)}  (sha256-verified)  ratio vs curl|sha256sum ${(ours / curlSha).toFixed(2)}x`)
    console.log(`peak RSS ${(peak / 1e6).toFixed(0)} MB`)
  } finally {
    await reg.stop()
    docker(['rmi', '-f', TAG])
  }
}
void main()
