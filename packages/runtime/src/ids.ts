import { randomBytes, randomUUID } from 'node:crypto'

/** Identifier source, injectable for deterministic tests. */
export interface Ids {
  /** A random id suitable for `_id`s and task ids (32 hex chars, like CloudBase's). */
  id(): string
  /** Random URL-safe token. */
  token(bytes?: number): string
}

export const randomIds: Ids = {
  id: () => randomUUID().replace(/-/g, ''),
  token: (bytes = 16) => randomBytes(bytes).toString('base64url'),
}
