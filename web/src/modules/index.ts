// Every domain's console pages, in menu order after the foundation's own (home, residents, map). Audit and
// accounts stay last: the shell adds them after these.
import { ORDER_EVALUATION_MODULE } from './evaluation.tsx';
import type { ConsoleModule } from './module.ts';
import { ORDERS_MODULE } from './orders.tsx';
import { PROFILES_MODULE } from './profiles.tsx';

export const CONSOLE_MODULES: ConsoleModule[] = [PROFILES_MODULE, ORDERS_MODULE, ORDER_EVALUATION_MODULE];

export type { ConsoleModule, MenuEntry, PageRoute } from './module.ts';
