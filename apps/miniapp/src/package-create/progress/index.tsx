/**
 * 生成进度 of one task (`?task_id=`) or of a batch (`?task_ids=a,b,…&work_ids=…`, one work per garment). Shows
 * the running step ("模特换装中 1/2") and a percentage that never goes backwards, even if an answer arrives out
 * of order or a retry restarts a step.
 */
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
import { pressState } from '../../components/press-state'
import './index.css'
import { pressable } from '../../components/pressable'

const DONE = new Set<Progress['status']>(['completed', 'failed', 'cancelled'])
/** getProgress allows 240 calls a minute per user: a batch polls its tasks in one round, spaced by this many per second. */
const POLLS_PER_ROUND_SECOND = 3

interface Item {
  taskId: string
  workId: string
  progress: Progress | null
  /** The highest percentage shown so far. */
  shown: number
}

function splitIds(value: string | undefined): string[] {
  return (value ?? '').split(',').filter(Boolean)
}

const running = (p: Progress | null) => !p || !DONE.has(p.status)

export default function ProgressPage() {
  const { params } = useRouter()
  const taskIds = params.task_ids ? splitIds(params.task_ids) : splitIds(params.task_id)
  const workIds = params.work_ids ? splitIds(params.work_ids) : splitIds(params.work_id)
  const batch = taskIds.length > 1
  const [items, setItems] = useState<Item[]>(() => taskIds.map((taskId, i) => ({ taskId, workId: workIds[i] ?? '', progress: null, shown: 0 })))
  const [pollError, setPollError] = useState<string | null>(null)
  const [cancelling, setCancelling] = useState(false)
  const alive = useRef(true)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const latest = useRef(items)
  latest.current = items

  function apply(p: Progress) {
    setItems((prev) => prev.map((it) => (it.taskId === p.task_id ? { ...it, progress: p, workId: p.work_id || it.workId, shown: Math.max(it.shown, p.progress) } : it)))
  }

  useEffect(() => {
    alive.current = true
    let delay = 0
    let failures = 0
    async function tick() {
      const pending = latest.current.filter((it) => running(it.progress))
      let failed = false
      for (const it of pending) {
        try {
          const p = await api.photography.progress({ task_id: it.taskId })
          if (!alive.current) return
          apply(p)
          latest.current = latest.current.map((x) => (x.taskId === p.task_id ? { ...x, progress: p } : x))
        } catch (e) {
          if (!alive.current) return
          failed = true
          setPollError(errorMessage(e))
        }
      }
      failures = failed ? failures + 1 : 0
      if (!failed) setPollError(null)
      const left = latest.current.filter((it) => running(it.progress))
      if (left.length === 0) {
        void refreshProfile().catch(() => {})
        const only = latest.current.length === 1 ? latest.current[0] : undefined
        if (only?.progress?.status === 'completed') {
          timer.current = setTimeout(() => void Taro.redirectTo({ url: `/package-works/detail/index?id=${only.progress?.work_id || only.workId}` }), 800)
        }
        return
      }
      delay = nextDelay(delay, failures)
      timer.current = setTimeout(() => void tick(), delay * Math.max(1, Math.ceil(left.length / POLLS_PER_ROUND_SECOND)))
    }
    void tick()
    return () => {
      alive.current = false
      if (timer.current) clearTimeout(timer.current)
    }
  }, [params.task_id, params.task_ids])

  async function cancel() {
    const open = items.filter((it) => running(it.progress))
    const ok = await confirm({
      title: batch ? '取消未完成的作品？' : '取消生成？',
      content: batch ? `将取消 ${open.length} 件未完成的服装，对应积分退回到你的账户。` : '取消后本次消耗的积分将退回到你的账户。',
      confirmText: '取消生成',
      danger: true,
    })
    if (!ok) return
    setCancelling(true)
    let refunded = 0
    try {
      for (const it of open) {
        const res = await api.works.cancelTask({ task_id: it.taskId })
        refunded += res.refunded
        const cancelled = (x: Item): Progress => ({ ...(x.progress ?? { task_id: x.taskId, work_id: x.workId, progress: x.shown }), status: 'cancelled', stage: '已取消', refunded: res.refunded })
        setItems((prev) => prev.map((x) => (x.taskId === it.taskId ? { ...x, progress: cancelled(x) } : x)))
      }
      toastText(`已取消，退回 ${refunded} 积分`)
      void refreshProfile().catch(() => {})
    } catch (e) {
      toastError(e)
    } finally {
      setCancelling(false)
    }
  }

  const open = items.filter((it) => running(it.progress))
  const done = items.filter((it) => it.progress?.status === 'completed')
  const first = items[0]
  const status: Progress['status'] | undefined = batch
    ? open.length > 0
      ? items.some((it) => it.progress?.status === 'processing')
        ? 'processing'
        : 'pending'
      : done.length > 0
        ? 'completed'
        : items.some((it) => it.progress?.status === 'failed')
          ? 'failed'
          : 'cancelled'
    : first?.progress?.status
  const percent = items.length ? Math.round(items.reduce((sum, it) => sum + it.shown, 0) / items.length) : 0
  const isRunning = !status || status === 'pending' || status === 'processing'
  const off = status === 'failed' || status === 'cancelled'
  const single = !batch ? first?.progress : null
  const refunded = items.reduce((sum, it) => sum + (it.progress?.refunded ?? 0), 0)
  const stepLabel = single?.step && single.step.total > 1 ? single.step.label : null

  return (
    <View className='pg prog'>
      <View className='prog-card card'>
        <View className={`prog-ring ${isRunning ? 'prog-ring-run' : ''} ${off ? 'prog-ring-off' : ''}`}>
          <View className='prog-pct'>{status === 'completed' ? '✓' : off ? '!' : `${percent}%`}</View>
        </View>
        <View className='prog-title'>
          {batch
            ? isRunning
              ? `批量生成中 ${done.length}/${items.length}`
              : `已完成 ${done.length}/${items.length}`
            : status === 'completed'
              ? '生成完成'
              : status === 'failed'
                ? '生成失败'
                : status === 'cancelled'
                  ? '已取消'
                  : status === 'pending'
                    ? '排队中'
                    : 'AI 正在创作'}
        </View>
        {stepLabel ? <View className='prog-step'>{stepLabel}</View> : null}
        <View className='prog-stage'>{batch ? (isRunning ? '每件服装单独生成一个作品' : '点击下方作品查看') : stepLabel && single?.stage === stepLabel ? '' : single?.stage || '正在连接生成服务…'}</View>
        <ProgressBar
          className='prog-bar'
          percent={percent}
          strokeWidth={8}
          borderRadius={8}
          activeColor={off ? colors.textTertiary : colors.primary}
          backgroundColor={colors.border}
          active
          activeMode='forwards'
        />
        {!batch && status === 'pending' && single?.queue_position !== undefined ? <View className='prog-queue'>前面还有 {single.queue_position} 个任务</View> : null}
        {!batch && status === 'failed' ? <View className='prog-note danger'>{single?.error || '生成服务暂时不可用'}</View> : null}
        {refunded > 0 && (off || batch) ? <View className='prog-note'>已退回 {refunded} 积分</View> : null}
        {pollError && isRunning ? <View className='prog-note danger'>{pollError}，正在重试…</View> : null}
      </View>

      {batch ? (
        <View className='section card prog-items'>
          {items.map((it, i) => {
            const p = it.progress
            const finished = p?.status === 'completed'
            return (
              <View
                key={it.taskId}
                className={`prog-item row ${finished ? 'prog-item-done' : ''}`}
                onClick={finished ? () => void Taro.navigateTo({ url: `/package-works/detail/index?id=${p?.work_id || it.workId}` }) : undefined}
                {...(finished ? pressable(`第 ${i + 1} 件：查看作品`) : {})}
              >
                <View className='prog-item-no'>{i + 1}</View>
                <View className='grow'>
                  <View className='prog-item-title'>第 {i + 1} 件</View>
                  <View className='faint ellipsis'>
                    {!p ? '等待中' : p.status === 'completed' ? '已完成，点击查看' : p.status === 'failed' ? p.error || '生成失败' : p.status === 'cancelled' ? '已取消' : p.step && p.step.total > 1 ? p.step.label : p.stage}
                  </View>
                </View>
                <View className={`prog-item-pct ${p?.status === 'failed' || p?.status === 'cancelled' ? 'prog-item-off' : ''}`}>
                  {finished ? '查看 ›' : p?.status === 'failed' ? '失败' : p?.status === 'cancelled' ? '已取消' : `${it.shown}%`}
                </View>
              </View>
            )
          })}
        </View>
      ) : null}

      <View className='section prog-tips muted'>生成通常需要 30 秒到 2 分钟，你可以先去做别的事，完成后会在「作品」中看到。</View>

      <View className='section prog-actions'>
        {isRunning ? (
          <>
            <Button className='btn btn-plain' onClick={() => Taro.switchTab({ url: '/pages/works/index' })}>
              稍后在作品中查看
            </Button>
            <Button className='btn btn-danger' {...pressState({ busy: cancelling })} onClick={cancel}>
              {batch ? '取消未完成的' : '取消生成'}
            </Button>
          </>
        ) : status === 'completed' && !batch ? (
          <Button className='btn' onClick={() => Taro.redirectTo({ url: `/package-works/detail/index?id=${single?.work_id || first?.workId}` })}>
            查看作品
          </Button>
        ) : status === 'completed' ? (
          <Button className='btn' onClick={() => Taro.switchTab({ url: '/pages/works/index' })}>
            查看全部作品
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
