// The demo district: a deterministic, generated district (fictional 云溪区) for `npm start`, tests and benchmarks.

export {
  DEMO_ACCOUNTS,
  type DemoAccount,
  type DemoDistrict,
  DemoNotEmptyError,
  type DemoSummary,
  generateDemoDistrict,
  isDatabaseEmpty,
  loadDemo,
} from './demo-loader.ts';
export {
  type DepartmentExport,
  type DepartmentExportsSummary,
  generateDepartmentExports,
  generateDepartmentExportsInWorker,
} from './department-exports.ts';
export { DEMO_DISTRICT, type DemoSize, generateLayout } from './district-layout.ts';
export {
  type EntityExportsOptions,
  type EntityExportsSummary,
  type EntityRegisterExport,
  generateEntityExports,
  generateEntityExportsInWorker,
  type RegisterEntityType,
} from './entity-exports.ts';
export { KINDERGARTEN_GAP_REMOTENESS, type ServiceGap } from './services-supply.ts';
