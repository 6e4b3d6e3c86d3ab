export default definePageConfig({ navigationBarTitleText: 'AI摄影师', enablePullDownRefresh: true, enableShareAppMessage: true })
