/** Subscribe messages: `cloud.openapi.subscribeMessage.send` in the cloud, an outbox collection locally. */
export interface SubscribeMessage {
  touser: string
  templateId: string
  page?: string
  data: Record<string, { value: string }>
}

export interface SendResult {
  ok: boolean
  errCode?: number
  errMsg?: string
}

export interface MessagesPort {
  sendSubscribe(message: SubscribeMessage): Promise<SendResult>
}
