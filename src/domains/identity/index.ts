// Entity resolution on the platform's records, golden records and prefill (issue 3). The plugin and what the
// CLI uses.

export { type DemoSourcesOptions, integrateDemoSources } from './demo-sources.ts';
export { ENTITY_TYPES } from './entity-kinds.ts';
export { EntityImportError, importEntityRegister } from './entity-sources.ts';
export { commandLineIdentityActor, identityRoutes } from './identity.routes.ts';
export { createIdentityService, type IdentityActor, type IdentityService } from './identity.service.ts';
export { DEFAULT_IDENTITY_SETTINGS, identitySettings } from './identity-settings.ts';
