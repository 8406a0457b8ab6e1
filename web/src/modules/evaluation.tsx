// The 接诉即办 evaluation dashboard: the three rates and the composite score per unit and area, trends, 每月一题
// and hot spots, with drill-down to the orders behind a figure.
import { LineChartOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const EvaluationPage = lazy(() =>
  import('../pages/orders/EvaluationPage.tsx').then((m) => ({ default: m.EvaluationPage })),
);

export const ORDER_EVALUATION_MODULE: ConsoleModule = {
  menu: [
    {
      path: '/orders-evaluation',
      label: 'ordersMenuEvaluation',
      icon: <LineChartOutlined />,
      permission: 'request:evaluate',
    },
  ],
  routes: [
    {
      path: '/orders-evaluation',
      permission: 'request:evaluate',
      render: (account) => <EvaluationPage account={account} />,
    },
  ],
};
