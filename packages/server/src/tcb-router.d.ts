/** tcb-router 1.1.2 ships no types; this declares the part the gateway uses. */
declare module 'tcb-router' {
  type Mw = (ctx: any, next: () => Promise<void>) => unknown
  class TcbRouter {
    constructor(options?: { event?: Record<string, unknown> })
    use(path: string | string[], handler: Mw): void
    use(handler: Mw): void
    router(path: string | string[], ...handlers: Mw[]): void
    serve(): Promise<unknown>
  }
  export = TcbRouter
}
