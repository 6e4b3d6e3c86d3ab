/** Fakes of wx-server-sdk for tests in other packages (written from the SDK source and WeChat's docs). */
export * from './fake-wx-cloud'
export * from '../payment/testing'
