// `layerscope serve` against the real served process: only the page that got the printed URL
// may use the API. Plain HTTP (node:http) so every header is exactly what the test sets.
import { request } from 'node:http'
import { test, expect } from '@playwright/test'
import { launchChromium, startServe, type ServeHandle } from './fixtures'

let serve: ServeHandle

test.beforeAll(async () => {
  serve = await startServe()
})
test.afterAll(async () => {
  await serve?.stop()
})

interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const port = Number(new URL(serve.origin).port)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const callStatus = (headers: Record<string, string>): Promise<Reply> =>
  send('/api/call/engine:status', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' })

test('accepts the right token and answers through the real backend', async () => {
  const r = await callStatus({ Authorization: `Bearer ${serve.token}`, Origin: serve.origin, 'Sec-Fetch-Site': 'same-origin' })
  expect(r.status).toBe(200)
  const body = JSON.parse(r.body) as { result?: { ok: boolean } }
  expect(typeof body.result?.ok).toBe('boolean')
  // The page itself (with ?token=) is served with a strict CSP.
  const page = await send(`/?token=${serve.token}`)
  expect(page.status).toBe(200)
  expect(page.headers['content-security-policy']).toContain("script-src 'self'")
})

test('refuses a request without the token', async () => {
  const r = await callStatus({})
  expect(r.status).toBe(401)
  expect(r.body).toContain('Missing or wrong token')
  expect((await send('/')).status).toBe(401)
  expect((await send('/api/events')).status).toBe(401)
})

test('refuses a wrong token', async () => {
  expect((await callStatus({ Authorization: `Bearer ${serve.token}x` })).status).toBe(401)
  expect((await callStatus({ Authorization: 'Bearer ' })).status).toBe(401)
  expect((await send(`/?token=${'A'.repeat(serve.token.length)}`)).status).toBe(401)
})

test('refuses a foreign Origin even with the right token', async () => {
  const r = await callStatus({ Authorization: `Bearer ${serve.token}`, Origin: 'https://evil.example' })
  expect(r.status).toBe(403)
  expect(r.body).toContain('cross-origin request from "https://evil.example"')
  expect((await callStatus({ Authorization: `Bearer ${serve.token}`, Origin: 'null' })).status).toBe(403)
})

test('refuses a foreign Host (DNS rebinding) even with the right token', async () => {
  const port = new URL(serve.origin).port
  const r = await callStatus({ Authorization: `Bearer ${serve.token}`, Host: `rebind.evil.example:${port}` })
  expect(r.status).toBe(403)
  expect(r.body).toContain('unexpected Host')
  expect((await send(`/?token=${serve.token}`, { headers: { Host: `evil.example:${port}` } })).status).toBe(403)
})

test('refuses a cross-site request (Sec-Fetch-Site) even with the right token', async () => {
  const r = await callStatus({ Authorization: `Bearer ${serve.token}`, 'Sec-Fetch-Site': 'cross-site' })
  expect(r.status).toBe(403)
})

test('does not serve files outside the renderer folder', async () => {
  for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fpackage.json']) {
    const r = await send(p)
    expect(r.status, p).toBe(404)
    expect(r.body).not.toContain('root:')
  }
})

test('a page on another origin in a real browser cannot call the API', async () => {
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    // Any other origin (here a data: page): the browser sends Origin, the server refuses.
    await page.goto('data:text/html,<title>elsewhere</title>')
    const outcome = await page.evaluate(
      async ({ origin, token }) => {
        try {
          const r = await fetch(`${origin}/api/call/images:list`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: '{}'
          })
          return `status ${r.status}`
        } catch (e) {
          return `blocked: ${(e as Error).message}`
        }
      },
      { origin: serve.origin, token: serve.token }
    )
    // Either the preflight is refused (blocked) or the call itself is; it never succeeds.
    expect(outcome).not.toBe('status 200')
  } finally {
    await browser.close()
  }
})
