import { describe, expect, it } from 'vitest'
import { isTrustedSenderUrl } from './sender-check'

const rendererDir = '/opt/layerscope/out/renderer'

describe('isTrustedSenderUrl', () => {
  it('trusts only our built renderer or the dev server', () => {
    expect(isTrustedSenderUrl('file:///opt/layerscope/out/renderer/index.html', { rendererDir })).toBe(true)
    expect(isTrustedSenderUrl('file:///opt/layerscope/out/renderer/index.html#/compare', { rendererDir })).toBe(true)
    expect(isTrustedSenderUrl('file:///etc/passwd', { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl('file:///opt/layerscope/out/renderer-evil/index.html', { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl('https://example.com/', { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl('http://localhost:5173/', { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl('http://localhost:5173/index.html', { rendererDir, devServerUrl: 'http://localhost:5173' })).toBe(true)
    expect(isTrustedSenderUrl('http://localhost:5174/', { rendererDir, devServerUrl: 'http://localhost:5173' })).toBe(false)
    expect(isTrustedSenderUrl('not a url', { rendererDir })).toBe(false)
    expect(isTrustedSenderUrl('file:///C:/Program%20Files/Layerscope/out/renderer/index.html', { rendererDir: 'C:\\Program Files\\Layerscope\\out\\renderer' })).toBe(true)
  })
})
