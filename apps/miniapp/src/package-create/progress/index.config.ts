export default definePageConfig({ navigationBarTitleText: '生成进度' })
