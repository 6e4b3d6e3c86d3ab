/** The local fake payment provider (dev checkout page instead of WeChat Pay). */
export {
  createLocalPayPort,
  FAKE_PAY_COLLECTION,
  type LocalPayPort,
  type LocalPayPortDeps,
  type LocalPayTransaction,
  type LocalPayState,
} from './local-pay'
