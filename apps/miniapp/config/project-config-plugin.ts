import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import type { Compiler } from 'webpack'

/**
 * Writes the AppID into dist/weapp/project.config.json (Taro copies apps/miniapp/project.config.json, which keeps
 * the placeholder `touristappid`, before the build), so the folder DevTools uploads is the configured app.
 */
export class ProjectConfigPlugin {
  constructor(private readonly appId: string) {}

  apply(compiler: Compiler): void {
    compiler.hooks.afterEmit.tap('ProjectConfigPlugin', () => {
      const file = path.join(compiler.outputPath, 'project.config.json')
      if (!existsSync(file)) return
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
      json.appid = this.appId
      writeFileSync(file, JSON.stringify(json, null, 2) + '\n')
    })
  }
}
