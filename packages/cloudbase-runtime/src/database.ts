/**
 * The database port in the cloud: `@cloudbase/node-sdk`'s database, the very API domain code is written against.
 * NOTE: not `cloud.database()` — wx-server-sdk wraps it with a different API (`update({ data })`,
 * `{ stats: { updated } }`); see ARCHITECTURE.md §3.
 * The node-sdk used is the one wx-server-sdk 4.0.2 itself depends on (3.17.2), resolved at run time from
 * wx-server-sdk's own location, so the deployed function needs nothing but `wx-server-sdk` in package.json
 * and the bundle never contains the SDK.
 */
import { createRequire } from 'node:module'
import type { Database } from '@aiphoto/runtime'

export interface NodeSdkInitConfig {
  env: string | symbol
  /** Per-request timeout in ms (node-sdk's default is 15000). */
  timeout?: number
}

/** The slice of `@cloudbase/node-sdk` used here. */
export interface NodeSdkModule {
  SYMBOL_CURRENT_ENV: symbol
  init(config: NodeSdkInitConfig): { database(): unknown }
}

/**
 * Loads `@cloudbase/node-sdk` from wx-server-sdk's dependency tree.
 * `base` is the `require` of the module doing the resolving: the bundle passes its own (so resolution starts at
 * `cloudfunctions/gateway/node_modules`); by default this file's location is used (tests, tsx).
 */
export function loadNodeSdk(base: NodeJS.Require = defaultRequire()): NodeSdkModule {
  const wxServerSdkEntry = base.resolve('wx-server-sdk')
  // Resolving from wx-server-sdk's own file finds its node-sdk whether npm hoisted it or nested it.
  return createRequire(wxServerSdkEntry)('@cloudbase/node-sdk') as NodeSdkModule
}

function defaultRequire(): NodeJS.Require {
  return typeof require === 'function' ? require : createRequire(import.meta.url)
}

/** `tcb.init({ env: tcb.SYMBOL_CURRENT_ENV }).database()`: the environment the function runs in. */
export function createCloudbaseDatabase(tcb: NodeSdkModule, opts: { timeoutMs?: number } = {}): Database {
  const config: NodeSdkInitConfig = { env: tcb.SYMBOL_CURRENT_ENV }
  if (opts.timeoutMs !== undefined) config.timeout = opts.timeoutMs
  return tcb.init(config).database() as Database
}
