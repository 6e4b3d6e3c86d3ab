/** Builds the deployable cloud function (cloudfunctions/gateway/index.js); the entry itself is src/entry.ts. */
export { buildGateway, EXTERNAL, FUNCTION_DIR, REPO_ROOT, ENTRY, type BuildResult } from './build'
export { guardMain, INTERNAL_ENVELOPE, CALLBACK_RETRY } from './guard'
