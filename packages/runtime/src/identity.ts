/**
 * Who is calling. Never read from the event body: in the cloud it is `getWXContext().OPENID`,
 * locally the local server verifies a signed dev token and hands the result over in the context.
 */
export type Caller =
  | { kind: 'user'; openid: string; source: 'wechat' | 'dev-token' | 'test' }
  | { kind: 'system'; source: 'timer' | 'internal' | 'test' }
  | { kind: 'anonymous' }

export interface IdentityPort {
  resolve(event: Record<string, unknown>, context: unknown): Caller | Promise<Caller>
}
