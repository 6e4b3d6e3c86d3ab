export default definePageConfig({ navigationBarTitleText: '我的作品', enablePullDownRefresh: true, onReachBottomDistance: 200 })
