/** dist/weapp in a simulated WeChat logic layer on ios (scripts/weapp-sim); one platform per file keeps each run's globals apart. */
import { weappSuite } from './weapp-sim/scenarios'

weappSuite('ios')
