// Every domain's console pages, in menu order after the foundation's own (home, residents, map). Audit and
// accounts stay last: the shell adds them after these.

import { IDENTITY_MODULE } from './identity.tsx';
import type { ConsoleModule } from './module.ts';
import { PROFILES_MODULE } from './profiles.tsx';

export const CONSOLE_MODULES: ConsoleModule[] = [PROFILES_MODULE];
CONSOLE_MODULES.push(IDENTITY_MODULE);

export type { ConsoleModule, MenuEntry, PageRoute } from './module.ts';
