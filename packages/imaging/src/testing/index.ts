/** Test doubles for other packages' tests: fake DashScope and Stability servers on 127.0.0.1. */
export { startFakeDashScope, DOCUMENTED_LIMITS, TASK_QUERY_QPS, TEXT_TO_IMAGE_MODELS, IMAGE_EDIT_PATH, TEXT2IMAGE_PATH, type FakeDashScope, type FakeDashScopeOptions, type FakeTask, type FakeTaskStatus, type FakeModel, type FakeLimit } from './fake-dashscope'
export { inspectImage, sniffFormat, type InspectedImage, type SniffedFormat } from './inspect-image'
export { startFakeStability, type FakeStability, type FakeStabilityOptions } from './fake-stability'
export { startFakeFashn, type FakeFashn, type FakeFashnOptions, type FakeFashnPrediction, type FashnStatus } from './fake-fashn'
export type { FakeFault, RecordedRequest } from './fake-server'
export { imageFacts, recolor, type ImageFacts } from './image-facts'
export { startImageHost, renderTestImage, type ImageHost } from './image-host'
