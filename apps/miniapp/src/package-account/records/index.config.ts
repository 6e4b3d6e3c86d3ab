export default definePageConfig({ navigationBarTitleText: '账户记录', enablePullDownRefresh: true })
