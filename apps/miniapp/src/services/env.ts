/** The one place build-time environment is read (Taro inlines `process.env.TARO_*` at build time). */
export const isWeapp = process.env.TARO_ENV === 'weapp'
export const isH5 = process.env.TARO_ENV === 'h5'
/** Origin of the local cloud for the H5 preview; '' = same origin (local-cloud serves dist/h5). */
export const apiBase: string = process.env.TARO_APP_API_BASE || ''
/** CloudBase environment id; empty = the mini-program's default environment. */
export const cloudEnv: string = process.env.TARO_APP_CLOUD_ENV || ''
