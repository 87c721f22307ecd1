import { EVENT_NAMES, type Channel, type EventName, type Events, type LayerscopeApi, type Req, type Res } from '../../../shared/api'
import type { ApiResult } from '../../../shared/errors'

const TOKEN_KEY = 'layerscope.token'

/** The token arrives once in the URL `serve` printed; it is kept for reloads and removed from the address bar. */
function takeToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

/** The browser front: API calls over fetch, events over one shared EventSource. */
export function createHttpApi(): LayerscopeApi {
  const token = takeToken()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null

  const ensureEvents = (): void => {
    if (source) return
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (e) => {
        const payload: unknown = JSON.parse((e as MessageEvent<string>).data)
        for (const l of listeners.get(name) ?? []) l(payload)
      })
    }
  }

  return {
    front: 'browser',
    async call<C extends Channel>(channel: C, req: Req<C>): Promise<ApiResult<Res<C>>> {
      ensureEvents()
      try {
        const r = await fetch(`/api/call/${channel}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(req)
        })
        return (await r.json()) as ApiResult<Res<C>>
      } catch (e) {
        return {
          error: {
            code: 'IO_ERROR',
            message: `Lost the connection to the Layerscope server (${(e as Error).message}). Is \`layerscope serve\` still running?`
          }
        }
      }
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      ensureEvents()
      const set = listeners.get(event) ?? new Set()
      set.add(listener as (p: unknown) => void)
      listeners.set(event, set)
      return () => set.delete(listener as (p: unknown) => void)
    },
    async pathForFile(file: File): Promise<string> {
      const r = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
        body: file
      })
      const body = (await r.json()) as ApiResult<{ path: string }>
      if (body.error) throw new Error(body.error.message)
      return body.result.path
    }
  }
}
