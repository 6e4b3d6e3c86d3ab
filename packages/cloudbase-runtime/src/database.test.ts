import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCloudbaseDatabase, loadNodeSdk, type NodeSdkModule } from './database'

describe('node-sdk database', () => {
  it('loads the @cloudbase/node-sdk that wx-server-sdk itself depends on', () => {
    const tcb = loadNodeSdk()
    const req = createRequire(import.meta.url)
    const wxDir = path.dirname(req.resolve('wx-server-sdk/package.json'))
    const wxPkg = req(path.join(wxDir, 'package.json')) as { dependencies: Record<string, string> }
    expect((tcb as unknown as { version: string }).version).toBe(wxPkg.dependencies['@cloudbase/node-sdk'])
    expect(typeof tcb.SYMBOL_CURRENT_ENV).toBe('symbol')
    // The very module instance wx-server-sdk requires (same file, same cache entry).
    expect(createRequire(path.join(wxDir, 'index.js'))('@cloudbase/node-sdk')).toBe(tcb)
  })

  it('initialises the current environment with the given timeout and returns its database', () => {
    const inits: unknown[] = []
    const db = { collection: () => ({}) }
    const fake: NodeSdkModule = { SYMBOL_CURRENT_ENV: Symbol('current'), init: (config) => (inits.push(config), { database: () => db }) }
    expect(createCloudbaseDatabase(fake, { timeoutMs: 3000 })).toBe(db)
    createCloudbaseDatabase(fake)
    expect(inits).toEqual([{ env: fake.SYMBOL_CURRENT_ENV, timeout: 3000 }, { env: fake.SYMBOL_CURRENT_ENV }])
  })

  it('gives the node-sdk query API (update without { data }) that domain code is written against', () => {
    const db = createCloudbaseDatabase(loadNodeSdk()) as unknown as Record<string, any>
    const users = db.collection('users')
    expect(typeof users.where({ credits: db.command.gte(1) }).orderBy('created_at', 'desc').limit(10).get).toBe('function')
    expect(typeof users.doc('o1').update).toBe('function')
    expect(typeof db.runTransaction).toBe('function')
    expect(db.config.env).toBe(loadNodeSdk().SYMBOL_CURRENT_ENV)
  })
})
