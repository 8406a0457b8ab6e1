// Resident profiles and proactive services (免申即享) in the console: the review queue of residents who qualify but
// receive nothing, appeals, the rules in words, and a resident's tags with evidence (linked from a case).
import { AuditOutlined, FileProtectOutlined, ReadOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const EligibilityCasesPage = lazy(() =>
  import('../pages/profiles/EligibilityCasesPage.tsx').then((m) => ({ default: m.EligibilityCasesPage })),
);
const AppealsPage = lazy(() =>
  import('../pages/profiles/AppealsPage.tsx').then((m) => ({ default: m.AppealsPage })),
);
const RulesPage = lazy(() =>
  import('../pages/profiles/RulesPage.tsx').then((m) => ({ default: m.RulesPage })),
);
const PersonTagsPage = lazy(() =>
  import('../pages/profiles/PersonTagsPage.tsx').then((m) => ({ default: m.PersonTagsPage })),
);

export const PROFILES_MODULE: ConsoleModule = {
  menu: [
    {
      path: '/eligibility/cases',
      label: 'profilesMenuCases',
      icon: <FileProtectOutlined />,
      permission: 'profile:read',
    },
    {
      path: '/eligibility/appeals',
      label: 'profilesMenuAppeals',
      icon: <AuditOutlined />,
      permission: 'eligibility:review',
    },
    {
      path: '/eligibility/rules',
      label: 'profilesMenuRules',
      icon: <ReadOutlined />,
      permission: 'profile:read',
    },
  ],
  routes: [
    {
      path: '/eligibility/cases',
      permission: 'profile:read',
      render: (account) => <EligibilityCasesPage account={account} />,
    },
    {
      path: '/eligibility/appeals',
      permission: 'eligibility:review',
      render: (account) => <AppealsPage account={account} />,
    },
    { path: '/eligibility/rules', permission: 'profile:read', render: () => <RulesPage /> },
    { path: '/profiles/persons/:id', permission: 'profile:read', render: () => <PersonTagsPage /> },
  ],
};
