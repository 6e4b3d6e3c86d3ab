/** 用户: look up by openid or invite code; balance, ledger, works, orders; an audited credit adjustment with a required reason. */
import { useRef, useState } from 'react'
import { Button, View } from '@tarojs/components'
import type { ActionOutput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { confirm, formatDate, formatFen, toastError, toastSuccess, toastText } from '../../services/ui'
import { pressState } from '../../components/press-state'
import { Field, KV, LEDGER_KIND, MODE_LABEL, ORDER_STATUS, TASK_STATUS, Tag, newRequestId } from '../shared/ui'
import '../shared/admin.css'

type Found = ActionOutput<'admin/lookupUser'>

export default function Users() {
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<Found | null>(null)
  const [busy, setBusy] = useState(false)
  const [delta, setDelta] = useState('')
  const [reason, setReason] = useState('')
  // One key per intended adjustment: a retry after a network error applies it once.
  const requestId = useRef<string | null>(null)

  async function lookup(q = query.trim()) {
    if (!q) return toastText('请输入 openid 或邀请码')
    setBusy(true)
    try {
      // Invite codes are 6 characters of A-Z/2-9; anything else is an openid.
      const input = /^[A-Za-z2-9]{6}$/.test(q) && !q.includes('_') ? { invite_code: q.toUpperCase() } : { openid: q }
      setFound(await api.call('admin/lookupUser', input).catch(async (e: unknown) => {
        if ('invite_code' in input) return api.call('admin/lookupUser', { openid: q })
        throw e
      }))
    } catch (e) {
      setFound(null)
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  async function adjust() {
    if (!found) return
    const n = Number(delta)
    if (!Number.isInteger(n) || n === 0) return toastText('请输入非 0 的整数（负数为扣减）')
    if (reason.trim().length < 2) return toastText('请填写调整原因（至少 2 个字）')
    if (!(await confirm({ title: '调整积分', content: `${found.user.nickname}：${n > 0 ? '+' : ''}${n} 积分\n原因：${reason.trim()}`, danger: n < 0 }))) return
    requestId.current ??= newRequestId('adm')
    setBusy(true)
    try {
      const res = await api.call('admin/adjustCredits', { openid: found.user.openid, delta: n, reason: reason.trim(), request_id: requestId.current })
      requestId.current = null
      toastSuccess(`余额 ${res.credits}`)
      setDelta('')
      setReason('')
      await lookup(found.user.openid)
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='pg adm'>
      <View className='section card'>
        <Field label='openid 或邀请码' value={query} onInput={setQuery} placeholder='例如 o6_bmjrPTlm6_2sgVt7hMZOPfL2M 或 K7QX2M' name='user-query' />
        <Button className='btn btn-small' {...pressState({ busy })} onClick={() => void lookup()}>
          查询
        </Button>
      </View>
      {found ? (
        <>
          <View className='section card'>
            <View className='row between'>
              <View className='col grow'>
                <View className='adm-title'>{found.user.nickname}</View>
                <View className='adm-mono'>{found.user.openid}</View>
              </View>
              <View className='col'>
                <View className='adm-kpi-num user-credits'>{found.user.credits}</View>
                <View className='adm-kpi-label'>积分余额</View>
              </View>
            </View>
            <KV k='邀请码'>{found.user.invite_code}</KV>
            <KV k='邀请人'>{found.user.invited_by ?? '—'}</KV>
            <KV k='连续签到'>{`${found.user.checkin_streak} 天`}</KV>
            <KV k='注册时间'>{formatDate(found.user.created_at)}</KV>
          </View>

          <View className='section card'>
            <View className='adm-title'>调整积分</View>
            <Field label='数量（负数为扣减）' value={delta} onInput={setDelta} type='number' placeholder='例如 50 或 -20' name='adjust-delta' />
            <Field label='原因（必填，记入审计）' value={reason} onInput={setReason} placeholder='例如 生成失败补偿' name='adjust-reason' />
            <Button className='btn btn-small btn-ghost' {...pressState({ busy })} onClick={() => void adjust()}>
              确认调整
            </Button>
          </View>

          <View className='section card'>
            <View className='adm-title'>积分流水</View>
            {found.ledger.length === 0 ? <View className='adm-empty'>暂无</View> : null}
            {found.ledger.map((e) => (
              <View key={e._id} className='adm-row'>
                <View className='adm-row-main'>
                  <View>{LEDGER_KIND[e.kind] ?? e.kind}{e.reason ? ` · ${e.reason}` : ''}</View>
                  <View className='faint'>{formatDate(e.created_at)} · 余额 {e.balance_after}</View>
                </View>
                <View className={e.delta < 0 ? 'danger' : ''}>{`${e.delta > 0 ? '+' : ''}${e.delta}`}</View>
              </View>
            ))}
          </View>

          <View className='section card'>
            <View className='adm-title'>作品</View>
            {found.works.length === 0 ? <View className='adm-empty'>暂无</View> : null}
            {found.works.map((w) => (
              <View key={w._id} className='adm-row'>
                <View className='adm-row-main'>
                  <View>
                    <Tag tone={TASK_STATUS[w.status]?.tone}>{TASK_STATUS[w.status]?.label ?? w.status}</Tag>
                    {MODE_LABEL[w.type] ?? w.type} · {w.images} 张
                  </View>
                  <View className='faint'>{formatDate(w.created_at)}</View>
                </View>
                <View className='muted'>{`${w.cost}${w.refunded ? ` / 退 ${w.refunded}` : ''}`}</View>
              </View>
            ))}
          </View>

          <View className='section card'>
            <View className='adm-title'>订单</View>
            {found.orders.length === 0 ? <View className='adm-empty'>暂无</View> : null}
            {found.orders.map((o) => (
              <View key={o.out_trade_no} className='adm-row'>
                <View className='adm-row-main'>
                  <View>
                    <Tag tone={ORDER_STATUS[o.status]?.tone}>{ORDER_STATUS[o.status]?.label ?? o.status}</Tag>¥{formatFen(o.amount_fen)} · {o.credits} 积分
                  </View>
                  <View className='adm-mono'>{o.out_trade_no}</View>
                </View>
                <View className='faint'>{formatDate(o.created_at)}</View>
              </View>
            ))}
          </View>
        </>
      ) : null}
    </View>
  )
}
