// Colours repeat src/styles/tokens.ts: app.config is read by the build tool, not bundled, so it stays self-contained.
const pages = ['pages/index/index', 'pages/works/index', 'pages/mine/index']
// The dev login exists only in the H5 preview (the mini-program identifies the user by OPENID).
if (process.env.TARO_ENV === 'h5') pages.push('pages/login/index')

export default defineAppConfig({
  pages,
  subPackages: [
    { root: 'package-create', pages: ['photography/index', 'fitting/index', 'progress/index'] },
    { root: 'package-works', pages: ['detail/index'] },
    { root: 'package-account', pages: ['recharge/index', 'records/index'] },
    // The operators' console: entered from 我的 only when the server says is_admin; never preloaded.
    {
      root: 'package-admin',
      pages: ['dashboard/index', 'tasks/index', 'task/index', 'users/index', 'orders/index', 'catalog/index', 'providers/index', 'audit/index'],
    },
  ],
  preloadRule: {
    'pages/index/index': { network: 'all', packages: ['package-create'] },
    'pages/works/index': { network: 'all', packages: ['package-works'] },
  },
  window: {
    backgroundTextStyle: 'dark',
    backgroundColor: '#F5F6FA',
    navigationBarBackgroundColor: '#FFFFFF',
    navigationBarTitleText: 'AI摄影师',
    navigationBarTextStyle: 'black',
    // The mini-program's default; Taro H5 draws its navigation bar (title + back on sub-pages) only when this is set
    // explicitly, and without it H5 sub-pages (detail, recharge, records) had no way back but the browser's.
    navigationStyle: 'default',
  },
  tabBar: {
    color: '#8A8F9C',
    selectedColor: '#5B47FB',
    backgroundColor: '#FFFFFF',
    borderStyle: 'white',
    list: [
      { pagePath: 'pages/index/index', text: '首页', iconPath: 'assets/tab-home.png', selectedIconPath: 'assets/tab-home-active.png' },
      { pagePath: 'pages/works/index', text: '作品', iconPath: 'assets/tab-works.png', selectedIconPath: 'assets/tab-works-active.png' },
      { pagePath: 'pages/mine/index', text: '我的', iconPath: 'assets/tab-mine.png', selectedIconPath: 'assets/tab-mine-active.png' },
    ],
  },
  permission: {},
  requiredPrivateInfos: [],
})
