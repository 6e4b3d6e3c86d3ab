export * from './create-test-gateway'
