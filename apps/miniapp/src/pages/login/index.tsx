/** H5 preview only: a development sign-in by nickname against the local cloud (the mini-program uses OPENID). */
import { useState } from 'react'
import { Button, Input, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { devLogin } from '@aiphoto/client'
import { apiBase } from '../../services/env'
import { signIn } from '../../services/session'
import { toastError, toastText } from '../../services/ui'
import './index.css'
import { pressState } from '../../components/press-state'

export default function Login() {
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
      const { token } = await devLogin({ baseUrl: apiBase, fetch: (url, init) => fetch(url, init as RequestInit) }, name)
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
        <View className='faint login-note'>仅用于 H5 预览；小程序内使用微信身份自动登录</View>
      </View>
    </View>
  )
}
