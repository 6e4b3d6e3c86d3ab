/**
 * The local fake pay provider's HTTP side. The checkout page stands in for WeChat's payment sheet; the two endpoints
 * are what the page, QA scripts and browser tests use:
 * - `POST /api/dev/pay/confirm { out_trade_no }`: the payer pays (the fake provider records SUCCESS), then the
 *   cloudPay-shaped callback event is delivered to the gateway exactly as WeChat would (no user identity).
 * - `POST /api/dev/pay/notify { out_trade_no, amount_fen? }`: delivers a callback claiming success whatever the
 *   provider knows (replays, early and forged notifications) — the gateway must verify and refuse to credit.
 * Both answer `{ success: true, data: { credited, reply } }`: `credited` says whether the order is credited now
 * (ledger entry `recharge:<out_trade_no>` exists), `reply` is what the gateway answered WeChat.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { cloudPayCallbackEventOf, type GatewayMain } from '@aiphoto/server'
import type { LocalRuntime } from '@aiphoto/local-runtime'
import { isPaymentError, type PaymentNotification } from '@aiphoto/runtime'
import { BodyTooLarge, escapeHtml, readBody, sendError, sendHtml, sendJson } from '../http-util'

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>

const OUT_TRADE_NO = /^[0-9A-Za-z_-]{6,32}$/
// The H5 app's recharge page (a sub-package page; Taro's hash router). It checks the order it saved before leaving.
const DEFAULT_RETURN = '/#/package-account/recharge/index'

/** A same-origin relative path (`/...`, not `//host` or `/\\host`), so the page cannot be used as an open redirect. */
export function safeReturnPath(value: string | null): string | null {
  if (value === null || value.length > 512) return null
  return /^\/(?![/\\])[^\s\\\u0000-\u001f]*$/.test(value) ? value : null
}

export function createDevPayRoutes(deps: { rt: LocalRuntime; main: GatewayMain }): Record<string, Route> {
  const { rt, main } = deps

  const isCredited = async (outTradeNo: string) => {
    const res = (await rt.db.collection('credit_ledger').doc(`recharge:${outTradeNo}`).get()) as { data: unknown[] }
    return res.data.length > 0
  }

  /** Delivers a notification as the cloudPay callback event; no caller in the context, as from WeChat. */
  const deliver = async (res: ServerResponse, outTradeNo: string, notification: PaymentNotification) => {
    const reply = await main(cloudPayCallbackEventOf(notification), {})
    sendJson(res, 200, { success: true, data: { credited: await isCredited(outTradeNo), reply } })
  }

  return {
    'GET /dev/checkout': async (_req, res, url) => {
      const outTradeNo = url.searchParams.get('out_trade_no') ?? ''
      const returnParam = url.searchParams.get('return')
      const returnTo = safeReturnPath(returnParam)
      if (returnParam !== null && returnTo === null) return sendHtml(res, 400, page('参数错误', '<p class="note">返回地址无效。</p>'))
      if (!OUT_TRADE_NO.test(outTradeNo)) return sendHtml(res, 400, page('参数错误', '<p class="note">订单号无效。</p>'))
      const tx = await rt.payment.getTransaction(outTradeNo)
      if (!tx) return sendHtml(res, 404, page('订单不存在', '<p class="note">没有找到这笔订单。</p>' + backLink(DEFAULT_RETURN, '返回')))

      const paidTarget = returnTo ?? `${DEFAULT_RETURN}?paid=${encodeURIComponent(outTradeNo)}`
      const cancelTarget = returnTo ?? DEFAULT_RETURN
      const expired = rt.clock.now().getTime() >= tx.expires_at.getTime()
      const summary = `
        <p class="desc">${escapeHtml(tx.description)}</p>
        <p class="amount"><span>¥</span>${(tx.amount_fen / 100).toFixed(2)}</p>
        <p class="meta">订单号 ${escapeHtml(outTradeNo)}</p>`
      if (tx.state === 'SUCCESS') return sendHtml(res, 200, page('已支付', summary + '<p class="note ok">这笔订单已支付。</p>' + backLink(paidTarget, '返回应用')))
      if (tx.state === 'CLOSED' || expired) return sendHtml(res, 200, page('订单已关闭', summary + '<p class="note">订单已关闭或已过期，请重新下单。</p>' + backLink(cancelTarget, '返回')))

      const config = JSON.stringify({ outTradeNo, returnTo: paidTarget }).replace(/</g, '\\u003c')
      sendHtml(
        res,
        200,
        page(
          '确认支付',
          `${summary}
          <button id="pay" type="button">确认支付</button>
          <a class="cancel" href="${escapeHtml(returnTo ?? `${DEFAULT_RETURN}?cancelled=${encodeURIComponent(outTradeNo)}`)}">取消</a>
          <p id="msg" class="note" role="status"></p>
          <script type="application/json" id="cfg">${config}</script>
          <script>
          (function () {
            var cfg = JSON.parse(document.getElementById('cfg').textContent);
            var button = document.getElementById('pay');
            var msg = document.getElementById('msg');
            button.addEventListener('click', function () {
              button.disabled = true;
              msg.textContent = '支付中…';
              fetch('/api/dev/pay/confirm', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ out_trade_no: cfg.outTradeNo }) })
                .then(function (r) { return r.json(); })
                .then(function (body) {
                  if (!body.success) throw new Error(body.message || '支付失败');
                  msg.textContent = body.data.credited ? '支付成功，正在返回…' : '支付成功，积分到账中，正在返回…';
                  setTimeout(function () { location.replace(cfg.returnTo); }, 600);
                })
                .catch(function (err) { msg.textContent = err.message || '支付失败，请重试'; button.disabled = false; });
            });
          })();
          </script>`,
        ),
      )
    },

    'POST /api/dev/pay/confirm': async (req, res) => {
      const body = await readPayBody(req, res, false)
      if (!body) return
      let notification: PaymentNotification
      try {
        notification = await rt.payment.confirmPayment(body.out_trade_no)
      } catch (err) {
        if (!isPaymentError(err)) throw err
        if (err.providerCode === 'ORDER_NOT_EXIST') return sendError(res, 404, 'NOT_FOUND', '订单不存在')
        if (err.providerCode === 'ORDER_CLOSED') return sendError(res, 409, 'CONFLICT', '订单已关闭，请重新下单')
        if (err.providerCode === 'ORDER_EXPIRED') return sendError(res, 409, 'CONFLICT', '订单已过期，请重新下单')
        return sendError(res, 400, 'VALIDATION_FAILED', '订单号无效')
      }
      await deliver(res, body.out_trade_no, notification)
    },

    'POST /api/dev/pay/notify': async (req, res) => {
      const body = await readPayBody(req, res, true)
      if (!body) return
      await deliver(res, body.out_trade_no, await rt.payment.forgeNotification(body.out_trade_no, body.amount_fen))
    },
  }
}

/** `{ out_trade_no, amount_fen? }` and nothing else; answers 4xx itself and returns null when the body is not that. */
async function readPayBody(req: IncomingMessage, res: ServerResponse, allowAmount: boolean): Promise<{ out_trade_no: string; amount_fen?: number } | null> {
  let parsed: unknown
  try {
    const raw = await readBody(req, 4096)
    parsed = raw.length ? JSON.parse(raw.toString('utf8')) : {}
  } catch (err) {
    sendError(res, err instanceof BodyTooLarge ? 413 : 400, 'VALIDATION_FAILED', '请求体不是合法的 JSON 对象')
    return null
  }
  const b = parsed as Record<string, unknown> | null
  const allowed = allowAmount ? ['out_trade_no', 'amount_fen'] : ['out_trade_no']
  const ok =
    b !== null &&
    typeof b === 'object' &&
    !Array.isArray(b) &&
    Object.keys(b).every((k) => allowed.includes(k)) &&
    typeof b.out_trade_no === 'string' &&
    OUT_TRADE_NO.test(b.out_trade_no) &&
    (b.amount_fen === undefined || (typeof b.amount_fen === 'number' && Number.isSafeInteger(b.amount_fen) && b.amount_fen >= 0))
  if (!ok) {
    sendError(res, 400, 'VALIDATION_FAILED', allowAmount ? '需要 out_trade_no（6-32 位字母数字）与可选的 amount_fen（非负整数）' : '需要 out_trade_no（6-32 位字母数字）')
    return null
  }
  return b as { out_trade_no: string; amount_fen?: number }
}

function backLink(href: string, text: string): string {
  return `<a class="button" href="${escapeHtml(href)}">${escapeHtml(text)}</a>`
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${escapeHtml(title)} · AI摄影师收银台</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Microsoft YaHei", sans-serif; background: #f5f5f7; color: #1d1d1f; display: flex; justify-content: center; align-items: flex-start; }
  main { width: 100%; max-width: 420px; margin: 48px 16px; background: #fff; border-radius: 16px; padding: 28px 24px; box-shadow: 0 4px 24px rgba(0,0,0,.06); text-align: center; }
  .badge { display: inline-block; margin: 0 0 12px; padding: 4px 10px; border-radius: 999px; background: #fff4e5; color: #b35c00; font-size: 12px; }
  h1 { font-size: 18px; margin: 0 0 8px; }
  .desc { margin: 0; color: #6e6e73; }
  .amount { font-size: 40px; font-weight: 600; margin: 16px 0 4px; }
  .amount span { font-size: 22px; margin-right: 2px; }
  .meta { color: #86868b; font-size: 12px; margin: 0 0 24px; word-break: break-all; }
  button, .button { display: block; width: 100%; padding: 14px; border: 0; border-radius: 10px; background: #07c160; color: #fff; font-size: 17px; text-decoration: none; cursor: pointer; }
  button:disabled { opacity: .6; }
  .cancel { display: block; margin-top: 14px; color: #576b95; text-decoration: none; }
  .note { color: #6e6e73; min-height: 1.4em; }
  .ok { color: #07c160; }
</style>
</head>
<body>
<main>
<p class="badge">本地模拟支付 · 不会真实扣款</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`
}
