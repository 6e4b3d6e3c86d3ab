/**
 * What Taro's weapp template (dist/weapp/base.wxml) does with a node of the page data: the tag it renders, the
 * events it binds to Taro's dispatcher `eh`, and which data key holds each attribute. Read from the built
 * template itself, so the simulation taps exactly what WeChat would render (a static `<view>` variant without
 * `bindtap` is not tappable, as on a phone).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

export interface NodeTemplate {
  name: string
  tag: string
  /** Event names bound with bind*="eh" or catch*="eh" (lower case, as WeChat names them: tap, input, chooseavatar…). */
  events: Set<string>
  /** Events bound with catch*: they do not bubble further. */
  catches: Set<string>
  /** Attribute (kebab-case as in WXML) → data key of the node (p0…pN, st, cl). */
  attrs: Map<string, string>
}

export function readTemplates(dist: string): Map<string, NodeTemplate> {
  const wxml = readFileSync(path.join(dist, 'base.wxml'), 'utf8')
  const out = new Map<string, NodeTemplate>()
  const re = /<template name="(tmpl_0_[\w]+)">\s*<([a-z][\w-]*)([^>]*)>/g
  for (const m of wxml.matchAll(re)) {
    const [, name, tag, rawAttrs] = m as unknown as [string, string, string, string]
    // A dispatching template (inputs: focus/blur variants) has no element of its own.
    if (tag === 'template') continue
    const events = new Set<string>()
    const catches = new Set<string>()
    const attrs = new Map<string, string>()
    for (const a of rawAttrs.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      const [, attr, value] = a as unknown as [string, string, string]
      const ev = /^(bind|catch)([a-z]+)$/.exec(attr)
      if (ev && value === 'eh') {
        events.add(ev[2]!)
        if (ev[1] === 'catch') catches.add(ev[2]!)
        continue
      }
      const key = /\{\{(?:xs\.b\()?i\.(\w+)/.exec(value)
      if (key) attrs.set(attr, key[1]!)
    }
    out.set(name, { name, tag, events, catches, attrs })
  }
  return out
}

/** The level-0 template of a node name (`nn`): inputs have focus/blur variants with the same bindings. */
export function templateOf(templates: Map<string, NodeTemplate>, nn: string): NodeTemplate | undefined {
  return templates.get(`tmpl_0_${nn}`) ?? templates.get(`tmpl_0_${nn}_blur`)
}
