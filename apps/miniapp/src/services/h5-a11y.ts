/**
 * H5 preview accessibility for the DOM Taro owns. Taro's H5 <Button> is a `taro-button-core` custom element and
 * its tab bar items are `<a href="javascript:;">`: neither is a button or a tab to assistive technology (or to
 * Playwright's getByRole). This gives them their roles and states, keeps them in sync as pages render, and lets
 * Enter/Space activate anything with role button or tab. Our own clickable views get their roles from
 * `pressable()` (components/pressable.ts). H5 only: the mini-program renders native components.
 */
const BUTTON = 'taro-button-core'

function decorate(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>(BUTTON)) {
    if (el.getAttribute('role') !== 'button') el.setAttribute('role', 'button')
    const disabled = el.hasAttribute('disabled') && el.getAttribute('disabled') !== 'false'
    if (el.getAttribute('aria-disabled') !== String(disabled)) el.setAttribute('aria-disabled', String(disabled))
    const tabIndex = disabled ? '-1' : '0'
    if (el.getAttribute('tabindex') !== tabIndex) el.setAttribute('tabindex', tabIndex)
  }
  for (const bar of root.querySelectorAll<HTMLElement>('.weui-tabbar')) {
    if (bar.getAttribute('role') !== 'tablist') {
      bar.setAttribute('role', 'tablist')
      bar.setAttribute('aria-label', '主导航')
    }
    for (const item of bar.querySelectorAll<HTMLElement>('.weui-tabbar__item')) {
      if (item.getAttribute('role') !== 'tab') item.setAttribute('role', 'tab')
      const selected = String(item.classList.contains('weui-bar__item_on'))
      if (item.getAttribute('aria-selected') !== selected) item.setAttribute('aria-selected', selected)
    }
  }
}

export function installH5Accessibility(): void {
  if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return
  decorate(document)
  // One pass per burst of DOM changes; attribute changes we make ourselves are filtered by the equality checks
  // above, so this cannot loop.
  let scheduled = false
  new MutationObserver(() => {
    if (scheduled) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      decorate(document)
    })
  }).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['disabled', 'class'],
  })
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return
    const target = event.target as HTMLElement | null
    const role = target?.getAttribute('role')
    if (!target || (role !== 'button' && role !== 'tab') || target.getAttribute('aria-disabled') === 'true') return
    if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement) return
    event.preventDefault()
    target.click()
  })
}
