import type { Channel, EventName, Events, Req, Res } from '../../shared/api'

/** What a handler gets besides its request. */
export interface HandlerContext {
  /** Fires when the caller cancels (job:cancel, closed HTTP request, Ctrl-C in the CLI). */
  signal: AbortSignal
  jobId?: string
  emit<E extends EventName>(event: E, payload: Events[E]): void
  front: 'electron' | 'browser' | 'cli'
}

export type Handler<C extends Channel> = (req: Req<C>, ctx: HandlerContext) => Promise<Res<C>>
export type Handlers = { [C in Channel]: Handler<C> }
export type HandlerGroup<C extends Channel> = { [K in C]: Handler<K> }
