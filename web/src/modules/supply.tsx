// Precise supply in the console: life-circle coverage and siting on the map with scenarios side by side, the
// provider registry, procurement projects with explained ranking and award, request matching, and the allocation of care hours with its efficiency–equity curve next to the communities' DEA efficiency.
import {
  BarChartOutlined,
  EnvironmentOutlined,
  FileDoneOutlined,
  ShopOutlined,
  SolutionOutlined,
} from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const PlanningPage = lazy(() =>
  import('../pages/supply/PlanningPage.tsx').then((m) => ({ default: m.PlanningPage })),
);
const ProvidersPage = lazy(() =>
  import('../pages/supply/ProvidersPage.tsx').then((m) => ({ default: m.ProvidersPage })),
);
const ProcurementPage = lazy(() =>
  import('../pages/supply/ProcurementPage.tsx').then((m) => ({ default: m.ProcurementPage })),
);
const ProjectPage = lazy(() =>
  import('../pages/supply/ProjectPage.tsx').then((m) => ({ default: m.ProjectPage })),
);
const DeliveriesPage = lazy(() =>
  import('../pages/supply/DeliveriesPage.tsx').then((m) => ({ default: m.DeliveriesPage })),
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
      path: '/supply/providers',
      label: 'supplyMenuProviders',
      icon: <ShopOutlined />,
      permission: 'supply:read',
    },
    {
      path: '/supply/procurement',
      label: 'supplyMenuProcurement',
      icon: <SolutionOutlined />,
      permission: 'supply:read',
    },
    {
      path: '/supply/deliveries',
      label: 'supplyMenuDeliveries',
      icon: <FileDoneOutlined />,
      permission: 'delivery:read',
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
    { path: '/supply/providers', permission: 'supply:read', render: () => <ProvidersPage /> },
    { path: '/supply/procurement', permission: 'supply:read', render: () => <ProcurementPage /> },
    { path: '/supply/projects/:id', permission: 'supply:read', render: () => <ProjectPage /> },
    { path: '/supply/deliveries', permission: 'delivery:read', render: () => <DeliveriesPage /> },
    { path: '/supply/evaluation', permission: 'evaluation:read', render: () => <SupplyEvaluationPage /> },
  ],
};
