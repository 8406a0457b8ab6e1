// The one place devices and alerts leave the server. A device at a home or on a resident reveals where somebody
// lives, so its position is rounded to three decimals (about 100 m); resident ids stay ids (names and numbers are
// only available through the people domain's masking presenter).
import { maskName } from '../../lib/masking.ts';
import type {
  AlertDispatchRow,
  ResponderRow,
  SensingAlertRow,
  SensorDeviceRow,
} from '../../platform/db/schema.ts';
import { DEVICE_KIND_LABELS, type DeviceKind, isOnline } from './device-kinds.ts';
import { deviceTopic } from './payload.ts';
import type { AlertOut, DeviceOut } from './sensing.schema.ts';

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * `battery`: the device's latest reported charge in %, null when it reports none. `online` is decided here, at
 * `nowMs`, from the kind's reporting interval (device-kinds.ts), so every client shows the same state.
 */
export function presentDevice(
  d: SensorDeviceRow,
  battery: number | null = null,
  nowMs = Date.now(),
): DeviceOut {
  const personal = d.house_id !== null || d.person_id !== null;
  return {
    id: d.id,
    deviceUid: d.device_uid,
    kind: d.kind as DeviceKind,
    kindLabel: DEVICE_KIND_LABELS[d.kind as DeviceKind]?.zh ?? d.kind,
    label: d.label,
    scopePath: d.scope_path,
    houseId: d.house_id,
    facilityId: d.facility_id,
    personId: d.person_id,
    lng: personal ? round3(d.lng) : d.lng,
    lat: personal ? round3(d.lat) : d.lat,
    topic: deviceTopic(d.district_code, d.kind as DeviceKind, d.device_uid),
    active: d.active,
    lastSeenAt: iso(d.last_seen_at),
    online: isOnline(d.kind, d.last_seen_at === null ? null : new Date(d.last_seen_at).getTime(), nowMs),
    battery,
  };
}

export function presentAlert(
  a: SensingAlertRow,
  device: { device_uid: string; kind: string; house_id: number | null; person_id: number | null },
  dispatch: Array<AlertDispatchRow & Pick<ResponderRow, 'kind' | 'name' | 'phone_masked'>>,
): AlertOut {
  const personal = device.house_id !== null || device.person_id !== null;
  return {
    id: a.id,
    ruleCode: a.rule_code,
    severity: a.severity,
    status: a.status,
    deviceId: a.device_id,
    deviceUid: device.device_uid,
    deviceKind: device.kind,
    scopePath: a.scope_path,
    lng: personal ? round3(a.lng) : a.lng,
    lat: personal ? round3(a.lat) : a.lat,
    raisedAt: iso(a.raised_at)!,
    observedAt: iso(a.observed_at)!,
    details: (typeof a.details === 'string' ? JSON.parse(a.details) : a.details) as Record<string, unknown>,
    feedback: a.feedback,
    workOrderRef: a.work_order_ref,
    dispatch: dispatch.map((r) => ({
      rank: r.rank,
      responderId: r.responder_id,
      responderKind: r.kind,
      // Responders' phones are stored masked: the dispatcher calls through the notifier, not by reading numbers.
      responderName: r.kind === 'family_contact' ? maskName(r.name) : r.name,
      responderPhone: r.phone_masked,
      travelM: Math.round(r.travel_m),
      status: r.status,
      notifiedAt: iso(r.notified_at),
      ackDueAt: iso(r.ack_due_at),
      acknowledgedAt: iso(r.acknowledged_at),
    })),
  };
}
