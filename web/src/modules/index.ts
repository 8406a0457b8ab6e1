// Every domain's console pages, in menu order after the foundation's own (home, residents, map). Audit and
// accounts stay last: the shell adds them after these.
import { ORDER_EVALUATION_MODULE } from './evaluation.tsx';
import { HOTLINE_MODULE } from './hotline.tsx';
import { IDENTITY_MODULE } from './identity.tsx';
import { INGEST_MODULE } from './ingest.tsx';
import type { ConsoleModule } from './module.ts';
import { ORDERS_MODULE } from './orders.tsx';
import { PROFILES_MODULE } from './profiles.tsx';
import { SENSING_MODULE } from './sensing.tsx';
import { SUPPLY_MODULE } from './supply.tsx';

// One module a line, in menu order.
export const CONSOLE_MODULES: ConsoleModule[] = [
  HOTLINE_MODULE,
  ORDERS_MODULE,
  ORDER_EVALUATION_MODULE,
  SENSING_MODULE,
  PROFILES_MODULE,
  INGEST_MODULE,
  IDENTITY_MODULE,
  SUPPLY_MODULE,
];

export type { ConsoleModule, MenuEntry, PageRoute } from './module.ts';
