/**
 * The local fake pay provider's HTTP side (filled by the payment module work): checkout page and the
 * confirm/notify endpoints. Until then no routes are registered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GatewayMain } from '@aiphoto/server'
import type { LocalRuntime } from '@aiphoto/local-runtime'

export function createDevPayRoutes(_deps: { rt: LocalRuntime; main: GatewayMain }): Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>> {
  return {}
}
