// The 12345 hotline in the console: the operator's desk (live classification while typing, caller look-up,
// similar open orders, create the order) and the classifier's model versions.
import { CustomerServiceOutlined, ExperimentOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const HotlineDeskPage = lazy(() =>
  import('../pages/hotline/HotlineDeskPage.tsx').then((m) => ({ default: m.HotlineDeskPage })),
);
const ClassifierModelsPage = lazy(() =>
  import('../pages/hotline/ClassifierModelsPage.tsx').then((m) => ({ default: m.ClassifierModelsPage })),
);

export const HOTLINE_MODULE: ConsoleModule = {
  menu: [
    {
      path: '/hotline',
      label: 'hotlineMenuDesk',
      icon: <CustomerServiceOutlined />,
      permission: 'request:intake',
    },
    {
      path: '/hotline/models',
      label: 'hotlineMenuModels',
      icon: <ExperimentOutlined />,
      permission: 'request:evaluate',
    },
  ],
  routes: [
    { path: '/hotline', permission: 'request:intake', render: () => <HotlineDeskPage /> },
    {
      path: '/hotline/models',
      permission: 'request:evaluate',
      render: (account) => <ClassifierModelsPage account={account} />,
    },
  ],
};
