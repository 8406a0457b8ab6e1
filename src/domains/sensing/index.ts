// Sensing (物联感知): IoT ingestion over MQTT, anomaly detection, alerts and emergency dispatch. The plugin and
// the hub type are the only things other modules import (the requests domain registers its work-order hook via
// app.sensing.setWorkOrderHook).
export type { RaisedAlert, WorkOrderHook } from './alerts.service.ts';
export { sensingRoutes } from './sensing.routes.ts';
export type { SensingHub } from './sensing-hub.ts';
