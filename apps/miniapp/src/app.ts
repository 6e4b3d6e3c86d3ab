import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { rememberInvite } from './services/session'
import { installH5Accessibility } from './services/h5-a11y'
import './app.css'

function inviteFromH5Url(): string | null {
  if (process.env.TARO_ENV !== 'h5') return null
  // Hash routing: the share link looks like /#/pages/index/index?invite=CODE (a plain ?invite= works too).
  const query = window.location.search + '&' + (window.location.hash.split('?')[1] ?? '')
  return new URLSearchParams(query.replace(/^\?/, '')).get('invite')
}

function App({ children }: PropsWithChildren) {
  useLaunch((options) => {
    if (process.env.TARO_ENV === 'h5') installH5Accessibility()
    const query = (options as { query?: Record<string, string> } | undefined)?.query
    rememberInvite(query?.invite ?? inviteFromH5Url())
  })
  return children
}

export default App
