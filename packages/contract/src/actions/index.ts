import { userActions } from './user'
import { worksActions } from './works'
import { generationActions } from './generation'
import { paymentActions } from './payment'
import { catalogActions } from './catalog'
import { internalActions } from './internal'
import { adminActions } from './admin'
import { adminConsoleActions } from './admin-console'

/** Every action the gateway answers, keyed by `$url` (`<module>/<action>`, the seed's names). */
export const actions = {
  ...userActions,
  ...worksActions,
  ...generationActions,
  ...paymentActions,
  ...catalogActions,
  ...internalActions,
  ...adminActions,
  ...adminConsoleActions,
} as const

export type Actions = typeof actions
export type ActionUrl = keyof Actions

export * from './user'
export * from './works'
export * from './generation'
export * from './payment'
export * from './catalog'
export * from './internal'
export * from './admin'
export * from './admin-console'
