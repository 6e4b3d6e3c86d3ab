// Neutral in app.json: on iOS this page sells nothing (WeChat's virtual-goods rule), the shop renames itself 积分充值.
export default definePageConfig({ navigationBarTitleText: '积分' })
