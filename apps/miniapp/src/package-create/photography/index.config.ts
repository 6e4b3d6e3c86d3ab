export default definePageConfig({ navigationBarTitleText: '服装摄影' })
