// Department data import in the console: the import wizard, the quarantine, data quality with its trend and
// drill-down, and the quality rules.
import {
  CloudUploadOutlined,
  DashboardOutlined,
  SafetyCertificateOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const ImportPage = lazy(() =>
  import('../pages/ingest/ImportPage.tsx').then((m) => ({ default: m.ImportPage })),
);
const QuarantinePage = lazy(() =>
  import('../pages/ingest/QuarantinePage.tsx').then((m) => ({ default: m.QuarantinePage })),
);
const QualityPage = lazy(() =>
  import('../pages/ingest/QualityPage.tsx').then((m) => ({ default: m.QualityPage })),
);
const QualityRulesPage = lazy(() =>
  import('../pages/ingest/QualityRulesPage.tsx').then((m) => ({ default: m.QualityRulesPage })),
);

export const INGEST_MODULE: ConsoleModule = {
  menu: [
    {
      path: '/ingest/import',
      label: 'ingestMenuImport',
      icon: <CloudUploadOutlined />,
      permission: 'ingest:run',
    },
    {
      path: '/ingest/quarantine',
      label: 'ingestMenuQuarantine',
      icon: <WarningOutlined />,
      permission: 'ingest:run',
    },
    {
      path: '/ingest/quality',
      label: 'ingestMenuQuality',
      icon: <DashboardOutlined />,
      permission: 'ingest:quality',
    },
    {
      path: '/ingest/rules',
      label: 'ingestMenuRules',
      icon: <SafetyCertificateOutlined />,
      permission: 'ingest:quality',
    },
  ],
  routes: [
    { path: '/ingest/import', permission: 'ingest:run', render: () => <ImportPage /> },
    { path: '/ingest/quarantine', permission: 'ingest:run', render: () => <QuarantinePage /> },
    { path: '/ingest/quality', permission: 'ingest:quality', render: () => <QualityPage /> },
    {
      path: '/ingest/rules',
      permission: 'ingest:quality',
      render: (account) => <QualityRulesPage account={account} />,
    },
  ],
};
