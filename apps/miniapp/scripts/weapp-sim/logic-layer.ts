/**
 * A simulated WeChat logic layer (逻辑层) that runs dist/weapp as the mini-program runtime does: every chunk is
 * evaluated with `require`, `wx`, `App`, `Page`, `Component`, `getApp` and `getCurrentPages` in scope and none
 * of the browser or Node globals the real runtime lacks (`window`, `document`, `fetch`, `process`…). Pages are
 * instances of their Page() options with `setData` applied to `data` by path, as WeChat does; the render layer is
 * replaced by reading Taro's data tree (`root.cn`) with the bindings of base.wxml (./templates.ts), and taps are
 * dispatched to Taro's `eh` the way WeChat bubbles them (target first, then every ancestor that binds the event).
 *
 * Sources: 逻辑层 / 页面 / 事件系统 https://developers.weixin.qq.com/miniprogram/dev/framework/app-service/
 * (Page lifecycle onLoad → onShow → onReady, setData paths "a.b[0].c", event objects with target/currentTarget/
 * dataset, bubbling of tap); Taro's runtime @tarojs/runtime/dist/dsl/common.js (createPageConfig),
 * dist/dom/root.js (setData payloads `root.cn.[0]…`), dist/dom/event.js (eventHandler reads currentTarget.dataset.sid
 * and defers to the outermost bound ancestor).
 */
import { readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { readTemplates, templateOf, type NodeTemplate } from './templates'

export interface DataNode {
  nn?: string
  sid?: string
  uid?: string
  cl?: string
  st?: string
  v?: string
  cn?: DataNode[]
  [key: string]: unknown
}

export interface PageInstance {
  route: string
  options: Record<string, string>
  data: { root?: DataNode; [key: string]: unknown }
  setData(data: Record<string, unknown>, cb?: () => void): void
  eh?(event: unknown): unknown
  [key: string]: unknown
}

/** Every setData a page received, for checks on what reaches the render layer (inline styles, sizes). */
export interface SetDataRecord {
  route: string
  data: Record<string, unknown>
}

export interface LogicLayerHooks {
  /** Whether a synchronous dispatch of a user tap is running (APIs that need a tap check this). */
  inTap(): boolean
}

const FORBIDDEN_GLOBALS = ['window', 'document', 'navigator', 'fetch', 'XMLHttpRequest', 'localStorage', 'sessionStorage', 'location', 'process', 'Buffer', 'global', 'self']

/** Applies one setData key ("root.cn.[0].cn[2].v") to `target`, creating objects/arrays along the way. */
export function applyPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const tokens: Array<string | number> = []
  for (const part of key.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part)
    if (!m) throw new Error(`setData: invalid path ${key}`)
    if (m[1]) tokens.push(m[1])
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) tokens.push(Number(idx[1]))
  }
  let cur: Record<string | number, unknown> = target as Record<string | number, unknown>
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!
    let next = cur[t]
    if (next === null || typeof next !== 'object') {
      next = typeof tokens[i + 1] === 'number' ? [] : {}
      cur[t] = next
    }
    cur = next as Record<string | number, unknown>
  }
  // WeChat copies setData values (they cross to the render layer as JSON).
  cur[tokens[tokens.length - 1]!] = value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}

export class LogicLayer {
  readonly templates: Map<string, NodeTemplate>
  readonly setDataLog: SetDataRecord[] = []
  private readonly modules = new Map<string, { exports: unknown }>()
  private readonly pageConfigs = new Map<string, Record<string, unknown>>()
  readonly stack: PageInstance[] = []
  app: Record<string, unknown> | null = null
  private loadingRoute: string | null = null
  private tapDepth = 0

  constructor(
    readonly dist: string,
    private readonly wx: Record<string, unknown>,
    private readonly reportError: (where: string, error: unknown) => void,
  ) {
    this.templates = readTemplates(dist)
  }

  inTap(): boolean {
    return this.tapDepth > 0
  }

  /** Evaluates a file of dist/weapp once, like the runtime's module loader. */
  require(file: string): unknown {
    const abs = path.resolve(this.dist, file.endsWith('.js') ? file : `${file}.js`)
    if (!abs.startsWith(this.dist)) throw new Error(`require outside the package: ${file}`)
    const cached = this.modules.get(abs)
    if (cached) return cached.exports
    if (!existsSync(abs)) throw new Error(`module not found: ${path.relative(this.dist, abs)}`)
    const module = { exports: {} as unknown }
    this.modules.set(abs, module)
    const params = ['require', 'module', 'exports', 'wx', 'App', 'Page', 'Component', 'Behavior', 'getApp', 'getCurrentPages', 'requirePlugin', ...FORBIDDEN_GLOBALS]
    const wrapper = vm.runInThisContext(`(function (${params.join(', ')}) {${readFileSync(abs, 'utf8')}\n})`, { filename: abs }) as (...args: unknown[]) => void
    const localRequire = (p: string) => this.require(path.relative(this.dist, path.resolve(path.dirname(abs), p)))
    wrapper(
      localRequire,
      module,
      module.exports,
      this.wx,
      (options: Record<string, unknown>) => this.registerApp(options),
      (options: Record<string, unknown>) => this.registerPage(options),
      (options: Record<string, unknown>) => options,
      (options: Record<string, unknown>) => options,
      () => this.app,
      () => [...this.stack],
      () => {
        throw new Error('requirePlugin: no plugins are declared')
      },
      ...FORBIDDEN_GLOBALS.map(() => undefined),
    )
    return module.exports
  }

  private registerApp(options: Record<string, unknown>): void {
    if (this.app) throw new Error('App() called twice')
    this.app = options
  }

  private registerPage(options: Record<string, unknown>): void {
    if (!this.loadingRoute) throw new Error('Page() called outside of a page file')
    this.pageConfigs.set(this.loadingRoute, options)
  }

  launch(route: string, query: Record<string, string>): void {
    this.require('app.js')
    if (!this.app) throw new Error('app.js did not call App()')
    const options = { path: route, query, scene: 1001, referrerInfo: {} }
    this.call(this.app, 'onLaunch', options)
    this.call(this.app, 'onShow', options)
  }

  /** Creates the page instance as WeChat does: the Page() options copied onto it, data deep-copied. */
  createPage(route: string, query: Record<string, string>): PageInstance {
    if (!this.pageConfigs.has(route)) {
      this.loadingRoute = route
      try {
        this.require(`${route}.js`)
      } finally {
        this.loadingRoute = null
      }
    }
    const config = this.pageConfigs.get(route)
    if (!config) throw new Error(`${route}.js did not call Page()`)
    const layer = this
    const inst = Object.create(null) as PageInstance
    for (const [k, v] of Object.entries(config)) inst[k] = v
    inst.data = JSON.parse(JSON.stringify(config.data ?? {}))
    inst.route = route
    inst.__route__ = route
    inst.options = query
    inst.setData = function (data: Record<string, unknown>, cb?: () => void) {
      if (data === null || typeof data !== 'object') throw new Error('setData: data must be an object')
      // WeChat ignores setData on a closed page; a late React update after a redirect lands here.
      if (!layer.stack.includes(inst) && !layer.loadingPages.has(inst) && inst.__unloaded) return
      layer.setDataLog.push({ route, data: JSON.parse(JSON.stringify(data)) })
      for (const [key, value] of Object.entries(data)) applyPath(inst.data as Record<string, unknown>, key, value)
      // The render layer answers asynchronously.
      if (cb) setTimeout(() => layer.guard(`${route}.setData callback`, cb), 0)
    }
    inst.selectComponent = () => null
    inst.selectAllComponents = () => []
    inst.getOpenerEventChannel = () => ({ emit() {}, on() {}, once() {}, off() {} })
    inst.createSelectorQuery = () => (this.wx.createSelectorQuery as () => unknown)()
    return inst
  }

  /** Pages between onLoad and being pushed (setData during onLoad is legal). */
  readonly loadingPages = new Set<PageInstance>()

  call(target: Record<string, unknown>, method: string, ...args: unknown[]): unknown {
    const fn = target[method]
    if (typeof fn !== 'function') return undefined
    if (method === 'onUnload') target.__unloaded = true
    return this.guard(`${(target as PageInstance).route ?? 'app'}.${method}`, () => (fn as (...a: unknown[]) => unknown).apply(target, args))
  }

  guard<T>(where: string, fn: () => T): T | undefined {
    try {
      const out = fn()
      const maybe = out as unknown as Promise<unknown> | null
      if (maybe && typeof maybe.then === 'function') maybe.then(undefined, (e: unknown) => this.reportError(where, e))
      return out
    } catch (error) {
      this.reportError(where, error)
      return undefined
    }
  }

  // ---- the render layer, read from the data tree ----

  /** Depth-first nodes of a page with their ancestor chains (nearest first). */
  nodes(page: PageInstance): Array<{ node: DataNode; ancestors: DataNode[] }> {
    const out: Array<{ node: DataNode; ancestors: DataNode[] }> = []
    const walk = (node: DataNode, ancestors: DataNode[]) => {
      out.push({ node, ancestors })
      for (const child of node.cn ?? []) walk(child, [node, ...ancestors])
    }
    for (const top of page.data.root?.cn ?? []) walk(top, [])
    return out
  }

  tag(node: DataNode): string {
    if (node.nn === undefined) return '#unknown'
    return templateOf(this.templates, node.nn)?.tag ?? (node.v !== undefined ? '#text' : `#nn${node.nn}`)
  }

  attr(node: DataNode, attr: string): unknown {
    const key = node.nn !== undefined ? templateOf(this.templates, node.nn)?.attrs.get(attr) : undefined
    return key ? node[key] : undefined
  }

  text(node: DataNode): string {
    if (typeof node.v === 'string') return node.v
    return (node.cn ?? []).map((c) => this.text(c)).join('')
  }

  binds(node: DataNode, event: string): boolean {
    return node.nn !== undefined && (templateOf(this.templates, node.nn)?.events.has(event) ?? false)
  }

  /**
   * Fires a user event as WeChat does: on the target, then bubbling through every ancestor whose template binds
   * it, until a catch* binding stops it. Each call reaches the page's `eh` with its own currentTarget.
   */
  fire(page: PageInstance, target: DataNode, ancestors: DataNode[], type: string, detail: Record<string, unknown>, bubbles: boolean): void {
    if (typeof page.eh !== 'function') throw new Error(`${page.route} has no event handler eh`)
    const targetInfo = { id: target.uid ?? target.sid, dataset: { sid: target.sid }, offsetLeft: 0, offsetTop: 0 }
    const chain = bubbles ? [target, ...ancestors] : [target]
    this.tapDepth += type === 'tap' ? 1 : 0
    try {
      for (const current of chain) {
        if (!this.binds(current, type)) continue
        const event = {
          type,
          timeStamp: Date.now(),
          target: targetInfo,
          currentTarget: { id: current.uid ?? current.sid, dataset: { sid: current.sid }, offsetLeft: 0, offsetTop: 0 },
          detail,
          mark: {},
          touches: [],
          changedTouches: [],
        }
        this.guard(`${page.route} ${type} on ${this.tag(target)}`, () => (page.eh as (e: unknown) => unknown).call(page, event))
        const tpl = current.nn !== undefined ? templateOf(this.templates, current.nn) : undefined
        if (tpl?.catches.has(type)) break
      }
    } finally {
      this.tapDepth -= type === 'tap' ? 1 : 0
    }
  }
}
