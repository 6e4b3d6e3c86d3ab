import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'
import { ChunkGraphPlugin } from './chunk-graph-plugin'
import { INLINED_ENV_KEYS, isWeappRelease, releaseEnvProblems } from './app-env'
import { ProjectConfigPlugin } from './project-config-plugin'

// Workspace libraries are consumed as TypeScript source, so the Taro build must transpile them.
const workspacePackages = [
  path.resolve(__dirname, '../../../packages/client/src'),
  path.resolve(__dirname, '../../../packages/contract/src'),
]

/**
 * Dependencies that ship syntax newer than ES2018 (class fields, `?.`, `??`, optional catch binding). Taro runs
 * Babel only on src and Taro's own packages; these go through the same babel-preset-taro pass, with targets from
 * package.json's browserslist (iOS 11 JavaScriptCore is the oldest engine WeChat runs our logic layer on).
 * scripts/build-check.test.ts parses every shipped file as ES2018, so a new dependency that needs adding here fails CI.
 */
const modernDependencies = ['@noble/hashes', 'zod']
const modernDependency = (file: string) => modernDependencies.some((name) => file.replace(/\\/g, '/').includes(`/node_modules/${name}/`))

export default defineConfig<'webpack5'>(async (merge) => {
  if (isWeappRelease(process.env)) {
    const problems = releaseEnvProblems(process.env)
    if (problems.length) {
      throw new Error(`The mini-program release build needs its deployment settings (apps/miniapp/.env.production, see .env.example and docs/deploy.md §1):\n  - ${problems.join('\n  - ')}`)
    }
  }
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'ai-photographer',
    date: '2026-11-25',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // Keeps the weapp and H5 builds apart so both can exist at once.
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    // Inlined at build time from the shell (or .env files); always defined so no `process` reference reaches the browser.
    defineConstants: Object.fromEntries(
      INLINED_ENV_KEYS.map((k) => [`process.env.${k}`, JSON.stringify(process.env[k] ?? '')]),
    ),
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: [...workspacePackages, modernDependency] },
      webpackChain(chain) {
        if (process.env.TARO_APP_ID) chain.plugin('project-config').use(ProjectConfigPlugin, [process.env.TARO_APP_ID])
      },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      compile: { include: workspacePackages },
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      webpackChain(chain) {
        // Taro splits only initial chunks, so every lazily loaded page repeated the whole H5 component library
        // (~230 KB each); splitting async chunks too shares it between pages.
        const splitChunks = chain.optimization.get('splitChunks')
        if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: 'all' })
        chain.plugin('chunk-graph').use(ChunkGraphPlugin, [path.resolve(__dirname, '..', 'dist', 'h5-chunks.json')])
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  }
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig)
  return merge({}, baseConfig, prodConfig)
})
