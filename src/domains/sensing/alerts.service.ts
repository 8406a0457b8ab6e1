// Alerts: every detection becomes one event row (one open alert per device and rule), published on the live feed;
// emergencies go to dispatch at once. Other alerts may become work orders through the requests domain's hook.
import { sql } from 'kysely';
import type { Database } from '../../platform/db/index.ts';
import type { AlertFeed } from './alert-feed.ts';
import type { DispatchService, NewAlert, UrgentReading } from './dispatch.service.ts';
import type { DeviceContext } from './sensing.repository.ts';

export interface RaisedAlert {
  id: number;
  ruleCode: string;
  severity: 'emergency' | 'warning' | 'info';
  device: DeviceContext;
  observedAtMs: number;
  details: Record<string, unknown>;
}

/**
 * Hook for the requests domain (feat/requests): called for every non-emergency alert; returns the reference of the
 * work order it created (stored on the alert as work_order_ref), or null when it decided none is needed.
 * Registered with `app.sensing.setWorkOrderHook(fn)` from the requests plugin; nothing is created without it.
 */
export type WorkOrderHook = (alert: RaisedAlert) => Promise<string | null>;

function alertRow(
  device: DeviceContext,
  ruleCode: string,
  severity: RaisedAlert['severity'],
  observedAtMs: number,
  details: Record<string, unknown>,
): NewAlert {
  return {
    device_id: device.id,
    rule_code: ruleCode,
    severity,
    street_code: device.streetCode,
    scope_path: device.scopePath,
    lng: device.lng,
    lat: device.lat,
    observed_at: new Date(observedAtMs),
    details: JSON.stringify(details),
  };
}

export function createAlertsService(database: Database, feed: AlertFeed, dispatch: DispatchService) {
  let workOrderHook: WorkOrderHook | null = null;

  function publishAlert(
    alertId: number,
    raisedAt: Date,
    device: DeviceContext,
    ruleCode: string,
    severity: RaisedAlert['severity'],
    observedAtMs: number,
    msgId: string | null,
  ) {
    feed.publish({
      type: 'alert',
      alertId,
      ruleCode,
      severity,
      deviceUid: device.uid,
      deviceKind: device.kind,
      scopePath: device.scopePath,
      observedAt: new Date(observedAtMs).toISOString(),
      raisedAt: raisedAt.toISOString(),
      msgId,
    });
  }

  /**
   * An emergency: the alert with its whole responder line-up (from the in-memory index) and the first responder
   * marked notified, in one statement on the urgent path, so the notification waits for one database round trip
   * only and never for queued reading batches. With `reading` the alarm's own message is stored by that statement
   * too and nothing is raised when it was already stored (`stored: false`).
   */
  async function raiseEmergency(
    device: DeviceContext,
    ruleCode: string,
    observedAtMs: number,
    details: Record<string, unknown>,
    reading?: UrgentReading,
  ): Promise<{ stored: boolean; alertId: number | null }> {
    const msgId = typeof details['msgId'] === 'string' ? details['msgId'] : null;
    const at = {
      streetCode: device.streetCode,
      scopePath: device.scopePath,
      lng: device.lng,
      lat: device.lat,
      personId: device.personId,
      houseResidentIds: device.residentIds,
      msgId,
    };
    const { stored, raised } = await dispatch.raiseWithLineUp(
      alertRow(device, ruleCode, 'emergency', observedAtMs, details),
      at,
      reading,
    );
    if (!raised) return { stored, alertId: null };
    publishAlert(raised.id, raised.raisedAt, device, ruleCode, 'emergency', observedAtMs, msgId);
    await dispatch.announceFirst(raised.id, at, raised.first);
    return { stored, alertId: raised.id };
  }

  return {
    raiseEmergency,

    setWorkOrderHook(hook: WorkOrderHook | null) {
      workOrderHook = hook;
    },

    /**
     * Raises an alert unless the same device already has one open for the rule; returns the new alert's id.
     * Emergencies go through raiseEmergency.
     */
    async raise(
      device: DeviceContext,
      ruleCode: string,
      severity: RaisedAlert['severity'],
      observedAtMs: number,
      details: Record<string, unknown>,
    ): Promise<number | null> {
      const msgId = typeof details['msgId'] === 'string' ? details['msgId'] : null;
      const values = alertRow(device, ruleCode, severity, observedAtMs, details);
      if (severity === 'emergency') {
        return (await raiseEmergency(device, ruleCode, observedAtMs, details)).alertId;
      }
      const row = await database.db
        .insertInto('sensing_alert')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['device_id', 'rule_code']).where('status', '<>', 'closed').doNothing(),
        )
        .returning(['id', 'raised_at'])
        .executeTakeFirst();
      if (!row) return null;
      publishAlert(row.id, new Date(row.raised_at), device, ruleCode, severity, observedAtMs, msgId);
      if (workOrderHook) {
        const ref = await workOrderHook({ id: row.id, ruleCode, severity, device, observedAtMs, details });
        if (ref) {
          await database.db
            .updateTable('sensing_alert')
            .set({ work_order_ref: ref })
            .where('id', '=', row.id)
            .execute();
        }
      }
      return row.id;
    },

    /** Acknowledges the responder currently notified for an alert; the rest of the line-up is stood down. */
    async acknowledge(alertId: number, by: string): Promise<boolean> {
      return database.db.transaction().execute(async (trx) => {
        const acked = await trx
          .updateTable('alert_dispatch')
          .set({ status: 'acknowledged', acknowledged_at: new Date(), acknowledged_by: by })
          .where('alert_id', '=', alertId)
          .where('status', '=', 'notified')
          .returning('id')
          .execute();
        if (acked.length === 0) return false;
        await trx
          .updateTable('alert_dispatch')
          .set({ status: 'cancelled' })
          .where('alert_id', '=', alertId)
          .where('status', '=', 'pending')
          .execute();
        await trx
          .updateTable('sensing_alert')
          .set({ status: 'acknowledged' })
          .where('id', '=', alertId)
          .where('status', '=', 'open')
          .execute();
        return true;
      });
    },

    /** Records real / false-alarm feedback and closes the alert. */
    async recordFeedback(alertId: number, feedback: 'real' | 'false_alarm', note: string | null, by: string) {
      await database.db
        .updateTable('sensing_alert')
        .set({ feedback, feedback_note: note, feedback_at: new Date(), feedback_by: by, status: 'closed' })
        .where('id', '=', alertId)
        .execute();
      await database.db
        .updateTable('alert_dispatch')
        .set({ status: 'cancelled' })
        .where('alert_id', '=', alertId)
        .where('status', 'in', ['pending', 'notified'])
        .execute();
    },

    async openAlertCount(): Promise<number> {
      const r = await sql<{
        n: number;
      }>`select count(*)::int as n from sensing_alert where status <> 'closed'`.execute(database.db);
      return r.rows[0]?.n ?? 0;
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
