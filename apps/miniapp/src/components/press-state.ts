/**
 * Button state props. NOTE: Taro H5 renders `disabled={false}` / `loading={false}` as present attributes, and its
 * stylesheet greys out any `[disabled]` button, so the props are only passed when true.
 */
export function pressState(state: { busy?: boolean; disabled?: boolean }): { loading?: true; disabled?: true } {
  const out: { loading?: true; disabled?: true } = {}
  if (state.busy) out.loading = true
  if (state.busy || state.disabled) out.disabled = true
  return out
}
