import { useState } from 'react'
import { Button, Image, Input, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useShareAppMessage } from '@tarojs/taro'
import { api } from '../../services/api'
import { ensureSession, profileStore, refreshProfile, setCredits, useProfile } from '../../services/session'
import { copyText, uploadAvatar } from '../../services/media'
import { canPurchase } from '../../services/platform'
import { toastError, toastSuccess } from '../../services/ui'
import { Skeleton } from '../../components/skeleton'
import './index.css'
import { pressable } from '../../components/pressable'
import { pressState } from '../../components/press-state'

function today(): string {
  // Check-in days are Asia/Shanghai calendar days.
  const d = new Date(Date.now() + 8 * 3600_000)
  return d.toISOString().slice(0, 10)
}

export default function Mine() {
  const profile = useProfile()
  const [checking, setChecking] = useState(false)
  const [nickname, setNickname] = useState<string | null>(null)

  useDidShow(() => {
    ensureSession()
      .then(() => refreshProfile())
      .catch(toastError)
  })
  usePullDownRefresh(() => {
    void refreshProfile()
      .catch(toastError)
      .finally(() => Taro.stopPullDownRefresh())
  })
  useShareAppMessage(() => ({
    // No reward for sharing in the title or anywhere near the share button (WeChat 运营规范 5.1, docs/deploy.md).
    title: 'AI摄影师：上传衣服，一键生成模特实拍图',
    path: profile ? `/pages/index/index?invite=${profile.invite_code}` : '/pages/index/index',
  }))

  const checkedToday = profile?.last_checkin_date?.slice(0, 10) === today()

  async function checkin() {
    if (checking) return
    setChecking(true)
    try {
      const res = await api.payment.checkin()
      setCredits(res.credits)
      profileStore.set((p) => (p ? { ...p, checkin_streak: res.streak, last_checkin_date: today() } : p))
      toastSuccess(`签到 +${res.credits_awarded}`)
    } catch (e) {
      toastError(e)
    } finally {
      setChecking(false)
    }
  }

  async function saveNickname(value: string) {
    const next = value.trim()
    setNickname(null)
    if (!profile || !next || next === profile.nickname) return
    try {
      profileStore.set(await api.user.update({ nickname: next }))
      toastSuccess('已保存')
    } catch (e) {
      toastError(e)
    }
  }

  async function chooseAvatar(path: string) {
    try {
      Taro.showLoading({ title: '上传中' })
      const asset = await uploadAvatar(path)
      profileStore.set(await api.user.update({ avatar_url: asset.file_id }))
      Taro.hideLoading()
      toastSuccess('头像已更新')
    } catch (e) {
      Taro.hideLoading()
      toastError(e)
    }
  }

  function copyInvite() {
    if (!profile) return
    void copyText(profile.invite_code, '邀请码已复制')
  }

  function shareH5() {
    if (process.env.TARO_ENV !== 'h5' || !profile) return
    const link = `${window.location.origin}${window.location.pathname}#/pages/index/index?invite=${profile.invite_code}`
    void copyText(link, '邀请链接已复制')
  }

  const purchase = canPurchase()

  // The server signs stored avatars (cloud or local file ids) and passes WeChat's https avatars through.
  const avatar = profile?.avatar_display_url ?? ''
  const initial = (profile?.nickname || '我').slice(0, 1)

  return (
    <View className='pg mine'>
      <View className='mine-head'>
        {profile ? (
          <View className='row'>
            {process.env.TARO_ENV === 'weapp' ? (
              <Button className='avatar-btn' openType='chooseAvatar' onChooseAvatar={(e) => void chooseAvatar(e.detail.avatarUrl)}>
                {avatar ? <Image className='avatar' src={avatar} mode='aspectFill' /> : <View className='avatar avatar-text'>{initial}</View>}
              </Button>
            ) : avatar ? (
              <Image className='avatar' src={avatar} mode='aspectFill' />
            ) : (
              <View className='avatar avatar-text'>{initial}</View>
            )}
            <View className='col grow mine-name-box'>
              <Input
                className='mine-name'
                type={process.env.TARO_ENV === 'weapp' ? ('nickname' as 'text') : 'text'}
                value={nickname ?? profile.nickname}
                placeholder='设置昵称'
                maxlength={32}
                onInput={(e) => setNickname(e.detail.value)}
                onBlur={(e) => void saveNickname(e.detail.value)}
                onConfirm={(e) => void saveNickname(e.detail.value)}
              />
              <View className='mine-hint'>点击头像或昵称可修改</View>
            </View>
          </View>
        ) : (
          <View className='row'>
            <Skeleton width={128} height={128} radius={64} />
            <View className='col grow mine-name-box'>
              <Skeleton width={240} height={40} />
            </View>
          </View>
        )}
        <View className='wallet card'>
          <View className='row between'>
            <View className='col'>
              <View className='muted'>积分余额</View>
              <View className='wallet-num'>{profile ? profile.credits : '--'}</View>
            </View>
            {purchase ? (
              <Button className='btn btn-small' onClick={() => Taro.navigateTo({ url: '/package-account/recharge/index' })}>
                充值
              </Button>
            ) : null}
          </View>
          <View className='checkin row between'>
            <View className='col'>
              <View className='checkin-title'>每日签到</View>
              <View className='faint'>
                已连续签到 {profile?.checkin_streak ?? 0} 天 · 第 7 天双倍
              </View>
            </View>
            <Button
              className={`btn btn-small ${checkedToday ? 'btn-plain' : 'btn-ghost'}`}
              {...pressState({ busy: checking, disabled: !profile })}
              onClick={checkin}
            >
              {checkedToday ? '今日已签' : '签到'}
            </Button>
          </View>
        </View>
      </View>

      <View className='section card invite'>
        <View className='row between'>
          <View className='col'>
            <View className='muted'>我的邀请码</View>
            <View className='invite-code'>{profile?.invite_code ?? '------'}</View>
            <View className='faint'>新朋友注册时使用你的邀请码，双方各得奖励积分</View>
          </View>
        </View>
        <View className='row invite-actions'>
          <Button className='btn btn-small btn-plain grow' onClick={copyInvite}>
            复制邀请码
          </Button>
          {process.env.TARO_ENV === 'weapp' ? (
            <Button className='btn btn-small grow' openType='share'>
              分享给好友
            </Button>
          ) : (
            <Button className='btn btn-small grow' onClick={shareH5}>
              复制邀请链接
            </Button>
          )}
        </View>
      </View>

      <View className='section card menu'>
        {purchase ? (
          <View className='menu-item row between' {...pressable()} onClick={() => Taro.navigateTo({ url: '/package-account/recharge/index' })}>
            <View>积分充值</View>
            <View className='faint'>›</View>
          </View>
        ) : null}
        <View className='menu-item row between' {...pressable()} onClick={() => Taro.navigateTo({ url: `/package-account/records/index${purchase ? '' : '?tab=consume'}` })}>
          <View>{purchase ? '充值与消费记录' : '积分明细'}</View>
          <View className='faint'>›</View>
        </View>
        <View className='menu-item row between' {...pressable()} onClick={() => Taro.switchTab({ url: '/pages/works/index' })}>
          <View>我的作品</View>
          <View className='faint'>›</View>
        </View>
        {/* The server decides (is_admin); hiding the entry is convenience, every admin action checks access itself. */}
        {profile?.is_admin ? (
          <View className='menu-item row between menu-admin' {...pressable()} onClick={() => Taro.navigateTo({ url: '/package-admin/dashboard/index' })}>
            <View>运营后台</View>
            <View className='faint'>›</View>
          </View>
        ) : null}
      </View>
      <View className='list-end'>AI摄影师 · 让每件衣服都有好照片</View>
    </View>
  )
}
