/** Content safety: `security.msgSecCheck` / `mediaCheckAsync` in the cloud, a local word list locally. */
export interface SafetyVerdict {
  ok: boolean
  /** Machine-readable label when rejected (e.g. 'risky', 'porn'). */
  label?: string
}

export interface ContentSafetyPort {
  checkText(input: { text: string; openid: string; scene: 'profile' | 'generation' }): Promise<SafetyVerdict>
  checkImage(input: { fileId: string; openid: string }): Promise<SafetyVerdict>
}
