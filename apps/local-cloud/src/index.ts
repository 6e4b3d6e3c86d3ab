/** The local cloud as a library: tests and tools start it in-process (`startLocalCloud(env, overrides)`). */
export { startLocalCloud, type StartedLocalCloud } from './start'
export { createLocalCloudServer, type LocalCloudOptions } from './server'
export { readEnv, type LocalCloudEnv } from './env'
