/**
 * Button state props. NOTE: Taro H5 renders `disabled={false}` / `loading={false}` as present attributes, and its
 * stylesheet greys out any `[disabled]` button, so the props are only passed when true.
 * NOTE: on H5 `loading` is never passed: taro-button-core (a Stencil component without shadow DOM) inserts its
 * spinner before the slotted children React manages, and when React has replaced them in the same update
 * Chromium throws "Failed to execute 'insertBefore' on 'Node'" (seen on 立即生成 / 立即支付 in the e2e suite).
 * A busy H5 button is disabled (Taro greys its text) and says what it is doing instead.
 */
export function pressState(state: { busy?: boolean; disabled?: boolean }): { loading?: true; disabled?: true } {
  const out: { loading?: true; disabled?: true } = {}
  if (state.busy && process.env.TARO_ENV !== 'h5') out.loading = true
  if (state.busy || state.disabled) out.disabled = true
  return out
}
