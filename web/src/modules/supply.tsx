// Precise supply in the console: life-circle coverage and siting on the map with scenarios side by side, and the
// allocation of care hours with its efficiency–equity curve next to the communities' DEA efficiency.
import { BarChartOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const PlanningPage = lazy(() =>
  import('../pages/supply/PlanningPage.tsx').then((m) => ({ default: m.PlanningPage })),
);
const SupplyEvaluationPage = lazy(() =>
  import('../pages/supply/SupplyEvaluationPage.tsx').then((m) => ({ default: m.SupplyEvaluationPage })),
);

export const SUPPLY_MODULE: ConsoleModule = {
  menu: [
    {
      path: '/supply/planning',
      label: 'supplyMenuPlanning',
      icon: <EnvironmentOutlined />,
      permission: 'planning:read',
    },
    {
      path: '/supply/evaluation',
      label: 'supplyMenuEvaluation',
      icon: <BarChartOutlined />,
      permission: 'evaluation:read',
    },
  ],
  routes: [
    { path: '/supply/planning', permission: 'planning:read', render: () => <PlanningPage /> },
    { path: '/supply/evaluation', permission: 'evaluation:read', render: () => <SupplyEvaluationPage /> },
  ],
};
