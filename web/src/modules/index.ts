// Every domain's console pages, in menu order after the foundation's own (home, residents, map). Audit and
// accounts stay last: the shell adds them after these.
import type { ConsoleModule } from './module.ts';
import { PROFILES_MODULE } from './profiles.tsx';
import { SUPPLY_MODULE } from './supply.tsx';

export const CONSOLE_MODULES: ConsoleModule[] = [PROFILES_MODULE, SUPPLY_MODULE];

export type { ConsoleModule, MenuEntry, PageRoute } from './module.ts';
