export default definePageConfig({ navigationBarTitleText: '虚拟试衣' })
