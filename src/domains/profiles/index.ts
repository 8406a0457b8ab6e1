// Resident profiles (画像), proactive services (免申即享) and demand analysis. The plugin and the pieces the CLI,
// the demo and the benchmark use.

export { type DemoProfilesSummary, seedDemoProfiles } from './demo-profiles.ts';
export { runProfiles } from './profile-evaluation.ts';
export { profilesRoutes } from './profiles.routes.ts';
export { RESIDENT_FIELDS, type ResidentRecord, residentFacts } from './resident-fields.ts';
export { defaultRuleDocument, ensureRuleSet } from './rule-set.repository.ts';
