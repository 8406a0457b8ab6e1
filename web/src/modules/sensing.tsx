// Sensing and early warning in the console: the live alert wall, device health with readings, and the demand
// forecast per request category.
import { AlertOutlined, ApiOutlined, LineChartOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const AlertWallPage = lazy(() =>
  import('../pages/sensing/AlertWallPage.tsx').then((m) => ({ default: m.AlertWallPage })),
);
const DevicesPage = lazy(() =>
  import('../pages/sensing/DevicesPage.tsx').then((m) => ({ default: m.DevicesPage })),
);
const ForecastPage = lazy(() =>
  import('../pages/sensing/ForecastPage.tsx').then((m) => ({ default: m.ForecastPage })),
);

export const SENSING_MODULE: ConsoleModule = {
  menu: [
    { path: '/alerts', label: 'sensingMenuAlerts', icon: <AlertOutlined />, permission: 'sensing:read' },
    {
      path: '/sensing/devices',
      label: 'sensingMenuDevices',
      icon: <ApiOutlined />,
      permission: 'sensing:read',
    },
    {
      path: '/demand/forecast',
      label: 'sensingMenuForecast',
      icon: <LineChartOutlined />,
      permission: 'stats:read',
    },
  ],
  routes: [
    { path: '/alerts', permission: 'sensing:read', render: (account) => <AlertWallPage account={account} /> },
    { path: '/sensing/devices', permission: 'sensing:read', render: () => <DevicesPage /> },
    {
      path: '/demand/forecast',
      permission: 'stats:read',
      render: (account) => <ForecastPage account={account} />,
    },
  ],
};
