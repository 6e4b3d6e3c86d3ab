/** H5 preview only: a development sign-in by nickname against the local cloud (the mini-program uses OPENID). */
import { useState } from 'react'
import { Button, Input, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { devLogin } from '@aiphoto/client'
import { apiBase } from '../../services/env'
import { signIn } from '../../services/session'
import { toastError, toastText } from '../../services/ui'
import './index.css'
import { pressState } from '../../components/press-state'

// The local cloud accepts 1-64 of these for a chosen openid (apps/local-cloud dev login).
const OPENID = /^[A-Za-z0-9_-]{1,64}$/

export default function Login() {
  // `#/pages/login/index?openid=ops_admin` signs in as that openid (an operator listed in AIPHOTO_ADMIN_OPENIDS).
  const { params } = useRouter()
  const openid = typeof params.openid === 'string' && OPENID.test(params.openid) ? params.openid : undefined
  const [nickname, setNickname] = useState('')
  const [busy, setBusy] = useState(false)

  async function submit() {
    const name = nickname.trim()
    if (!name) {
      toastText('请输入昵称')
      return
    }
    setBusy(true)
    try {
      const { token } = await devLogin({ baseUrl: apiBase, fetch: (url, init) => fetch(url, init as RequestInit) }, name, openid)
      await signIn(token)
      await Taro.reLaunch({ url: '/pages/index/index' })
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='pg login'>
      <View className='login-brand'>
        <View className='login-logo'>AI</View>
        <View className='login-title'>AI摄影师</View>
        <View className='muted'>上传服装，一键生成模特实拍图</View>
      </View>
      <View className='card login-card'>
        <View className='login-label'>开发环境登录</View>
        <Input
          className='login-input'
          value={nickname}
          placeholder='输入昵称即可体验'
          maxlength={32}
          onInput={(e) => setNickname(e.detail.value)}
          onConfirm={submit}
        />
        <Button className='btn login-btn' {...pressState({ busy })} onClick={submit}>
          进入
        </Button>
        {openid ? <View className='faint login-note login-openid'>将以 openid {openid} 登录</View> : null}
        <View className='faint login-note'>仅用于 H5 预览；小程序内使用微信身份自动登录</View>
      </View>
    </View>
  )
}
