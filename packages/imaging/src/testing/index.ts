/** Test doubles for other packages' tests: fake DashScope and Stability servers on 127.0.0.1. */
export { startFakeDashScope, type FakeDashScope, type FakeDashScopeOptions, type FakeTask } from './fake-dashscope'
export { startFakeStability, type FakeStability, type FakeStabilityOptions } from './fake-stability'
export type { FakeFault, RecordedRequest } from './fake-server'
export { inspectImage, recolor, type ImageFacts } from './inspect-image'
