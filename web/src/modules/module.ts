// A console module: the menu entries and pages of one domain (imports, work orders, sensing, planning…). Each
// domain describes itself in web/src/modules/<domain>.tsx and is listed once in modules/index.ts, so a new
// domain adds its pages without editing the shell.
import type { ReactNode } from 'react';
import type { Account } from '../api.ts';
import type { MessageKey } from '../i18n/index.tsx';
import type { Permission } from '../roles.ts';

export interface MenuEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** The permission the role needs to see the entry; null: everyone signed in. */
  permission: Permission | null;
}

export interface PageRoute {
  /** react-router path, e.g. '/orders/:id'. */
  path: string;
  permission: Permission | null;
  render: (account: Account) => ReactNode;
}

export interface ConsoleModule {
  menu: MenuEntry[];
  routes: PageRoute[];
}
