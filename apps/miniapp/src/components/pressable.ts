/**
 * Props that make a clickable <View> a button (or a tab) for assistive technology in the H5 preview: a role, a
 * tab stop and, when the visible text is not a good name, an aria-label. Nothing on weapp (native components have
 * their own semantics and unknown props would only grow setData).
 */
type A11yProps = { role?: string; tabIndex?: number; 'aria-label'?: string; 'aria-selected'?: boolean }

export function pressable(label?: string): A11yProps {
  if (process.env.TARO_ENV !== 'h5') return {}
  return label ? { role: 'button', tabIndex: 0, 'aria-label': label } : { role: 'button', tabIndex: 0 }
}

export function tabItem(selected: boolean): A11yProps {
  if (process.env.TARO_ENV !== 'h5') return {}
  return { role: 'tab', tabIndex: 0, 'aria-selected': selected }
}

export function tabList(label: string): A11yProps {
  if (process.env.TARO_ENV !== 'h5') return {}
  return { role: 'tablist', 'aria-label': label }
}
