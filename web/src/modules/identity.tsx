// Entity resolution in the console: identity runs with their progress, the review queue with the two records of
// a pair side by side (masked) and the evidence, and a resident's golden record with the provenance of every
// field and the undo of a merge.
import { ApartmentOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const IdentityPage = lazy(() =>
  import('../pages/identity/IdentityPage.tsx').then((m) => ({ default: m.IdentityPage })),
);

export const IDENTITY_MODULE: ConsoleModule = {
  menu: [
    { path: '/identity', label: 'identityMenu', icon: <ApartmentOutlined />, permission: 'identity:read' },
  ],
  routes: [
    {
      path: '/identity',
      permission: 'identity:read',
      render: (account) => <IdentityPage account={account} />,
    },
  ],
};
