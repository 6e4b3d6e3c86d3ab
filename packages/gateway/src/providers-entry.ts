/**
 * The second file of the cloud function: the image providers (DashScope, Stability, the local compositor), bundled
 * apart from index.js so that a cold start parses only the gateway; `cloud-providers.ts` requires it on the first
 * generation of an instance.
 */
export { createProviderFactory, localProviderOptionsFromEnv } from '@aiphoto/imaging'
