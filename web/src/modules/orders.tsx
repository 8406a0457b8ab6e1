// Work orders (接诉即办) in the console: the order list and an order's detail with the steps the viewer may take,
// and the grid worker's patrol report (made for a phone).
import { CameraOutlined, SolutionOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { ConsoleModule } from './module.ts';

const OrdersPage = lazy(() =>
  import('../pages/orders/OrdersPage.tsx').then((m) => ({ default: m.OrdersPage })),
);
const OrderDetailPage = lazy(() =>
  import('../pages/orders/OrderDetailPage.tsx').then((m) => ({ default: m.OrderDetailPage })),
);
const PatrolPage = lazy(() =>
  import('../pages/orders/PatrolPage.tsx').then((m) => ({ default: m.PatrolPage })),
);

export const ORDERS_MODULE: ConsoleModule = {
  menu: [
    { path: '/orders', label: 'ordersMenuList', icon: <SolutionOutlined />, permission: 'request:read' },
    { path: '/patrol', label: 'ordersMenuPatrol', icon: <CameraOutlined />, permission: 'request:intake' },
  ],
  routes: [
    { path: '/orders', permission: 'request:read', render: () => <OrdersPage /> },
    { path: '/orders/:id', permission: 'request:read', render: () => <OrderDetailPage /> },
    { path: '/patrol', permission: 'request:intake', render: () => <PatrolPage /> },
  ],
};
