export * from './fault-plan'
export * from './fault-errors'
export * from './fault-injector'
