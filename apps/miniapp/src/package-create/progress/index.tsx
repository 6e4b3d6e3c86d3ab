import { useEffect, useRef, useState } from 'react'
import { Button, Progress as ProgressBar, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import type { Progress } from '@aiphoto/contract'
import { errorMessage } from '@aiphoto/client'
import { api } from '../../services/api'
import { refreshProfile } from '../../services/session'
import { confirm, toastError, toastText } from '../../services/ui'
import { colors } from '../../styles/tokens'
import { nextDelay } from './backoff'
import './index.css'
import { pressState } from '../../components/press-state'

const DONE = new Set<Progress['status']>(['completed', 'failed', 'cancelled'])

export default function ProgressPage() {
  const { params } = useRouter()
  const taskId = params.task_id ?? ''
  const workId = params.work_id ?? ''
  const [progress, setProgress] = useState<Progress | null>(null)
  const [pollError, setPollError] = useState<string | null>(null)
  const [cancelling, setCancelling] = useState(false)
  const alive = useRef(true)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  useEffect(() => {
    alive.current = true
    let delay = 0
    let failures = 0
    async function tick() {
      try {
        const p = await api.photography.progress({ task_id: taskId })
        if (!alive.current) return
        setProgress(p)
        setPollError(null)
        failures = 0
        if (DONE.has(p.status)) {
          if (p.status === 'completed') {
            void refreshProfile().catch(() => {})
            timer.current = setTimeout(() => void Taro.redirectTo({ url: `/package-works/detail/index?id=${p.work_id || workId}` }), 800)
          } else {
            void refreshProfile().catch(() => {})
          }
          return
        }
      } catch (e) {
        if (!alive.current) return
        failures += 1
        setPollError(errorMessage(e))
      }
      delay = nextDelay(delay, failures)
      timer.current = setTimeout(() => void tick(), delay)
    }
    void tick()
    return () => {
      alive.current = false
      if (timer.current) clearTimeout(timer.current)
    }
  }, [taskId, workId])

  async function cancel() {
    const ok = await confirm({ title: '取消生成？', content: '取消后本次消耗的积分将退回到你的账户。', confirmText: '取消生成', danger: true })
    if (!ok) return
    setCancelling(true)
    try {
      const res = await api.works.cancelTask({ task_id: taskId })
      setProgress((p) => (p ? { ...p, status: 'cancelled', refunded: res.refunded } : p))
      toastText(`已取消，退回 ${res.refunded} 积分`)
      void refreshProfile().catch(() => {})
    } catch (e) {
      toastError(e)
    } finally {
      setCancelling(false)
    }
  }

  const status = progress?.status
  const percent = progress?.progress ?? 0
  const running = !status || status === 'pending' || status === 'processing'

  return (
    <View className='pg prog'>
      <View className='prog-card card'>
        <View className={`prog-ring ${running ? 'prog-ring-run' : ''} ${status === 'failed' || status === 'cancelled' ? 'prog-ring-off' : ''}`}>
          <View className='prog-pct'>{status === 'completed' ? '✓' : status === 'failed' || status === 'cancelled' ? '!' : `${percent}%`}</View>
        </View>
        <View className='prog-title'>
          {status === 'completed'
            ? '生成完成'
            : status === 'failed'
              ? '生成失败'
              : status === 'cancelled'
                ? '已取消'
                : status === 'pending'
                  ? '排队中'
                  : 'AI 正在创作'}
        </View>
        <View className='prog-stage'>{progress?.stage || '正在连接生成服务…'}</View>
        <ProgressBar
          className='prog-bar'
          percent={percent}
          strokeWidth={8}
          borderRadius={8}
          activeColor={status === 'failed' || status === 'cancelled' ? colors.textTertiary : colors.primary}
          backgroundColor={colors.border}
          active
          activeMode='forwards'
        />
        {status === 'pending' && progress?.queue_position !== undefined ? (
          <View className='prog-queue'>前面还有 {progress.queue_position} 个任务</View>
        ) : null}
        {status === 'failed' ? <View className='prog-note danger'>{progress?.error || '生成服务暂时不可用'}</View> : null}
        {(status === 'failed' || status === 'cancelled') && (progress?.refunded ?? 0) > 0 ? (
          <View className='prog-note'>已退回 {progress?.refunded} 积分</View>
        ) : null}
        {pollError && running ? <View className='prog-note danger'>{pollError}，正在重试…</View> : null}
      </View>

      <View className='section prog-tips muted'>生成通常需要 30 秒到 2 分钟，你可以先去做别的事，完成后会在「作品」中看到。</View>

      <View className='section prog-actions'>
        {running ? (
          <>
            <Button className='btn btn-plain' onClick={() => Taro.switchTab({ url: '/pages/works/index' })}>
              稍后在作品中查看
            </Button>
            <Button className='btn btn-danger' {...pressState({ busy: cancelling })} onClick={cancel}>
              取消生成
            </Button>
          </>
        ) : status === 'completed' ? (
          <Button className='btn' onClick={() => Taro.redirectTo({ url: `/package-works/detail/index?id=${progress?.work_id || workId}` })}>
            查看作品
          </Button>
        ) : (
          <Button className='btn' onClick={() => Taro.switchTab({ url: '/pages/index/index' })}>
            返回首页
          </Button>
        )}
      </View>
    </View>
  )
}
