// No navigation bar: the login page is the H5 preview's entry (its home button would only lead back here).
export default definePageConfig({ navigationBarTitleText: '登录', navigationStyle: 'custom' })
