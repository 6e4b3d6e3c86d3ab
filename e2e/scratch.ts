import { startPreviewCloud, launchChromium, newPhoneContext } from './src/harness'
const pc = await startPreviewCloud()
const browser = await launchChromium()
const ctx = await newPhoneContext(browser)
const page = await ctx.newPage()
await page.goto(pc.origin + '/')
await page.locator('.login-input input').waitFor()
console.log(await page.evaluate(`(() => { const host = document.querySelector('.login-input'); const i = host.querySelector('input'); const cs = getComputedStyle(i); const hs = getComputedStyle(host); return { title: document.title, host: host.outerHTML.slice(0, 300), hostDisplay: hs.display, hostH: host.getBoundingClientRect().height, inH: i.getBoundingClientRect().height, inTop: i.getBoundingClientRect().top - host.getBoundingClientRect().top, inW: i.getBoundingClientRect().width, hostW: host.getBoundingClientRect().width, lh: cs.lineHeight } })()`))
await browser.close(); await pc.stop()
