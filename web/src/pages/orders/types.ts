// What the work-order routes answer (src/domains/requests/requests.schema.ts, order-console.routes.ts,
// evaluation.routes.ts), as the console reads it.
export interface OrderSummary {
  id: number;
  number: string;
  channel: string;
  status: string;
  statusLabel: string;
  categoryCode: string | null;
  categoryName: string | null;
  description: string;
  address: string | null;
  lng: number | null;
  lat: number | null;
  gridId: number | null;
  leadUnitCode: string | null;
  leadUnitName: string | null;
  coUnits: Array<{ code: string; name: string }>;
  receivedAt: string;
  dispatchedAt: string | null;
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  responseDue: string | null;
  resolveDue: string | null;
  supervised: boolean;
  escalationLevel: number;
  reopenCount: number;
  returnCount: number;
  requesterCount: number;
  solved: boolean | null;
  satisfaction: number | null;
  mergedInto: number | null;
}

export interface OrderEvent {
  id: number;
  action: string;
  actionLabel: string;
  fromStatus: string | null;
  toStatus: string;
  actor: string;
  unitCode: string | null;
  unitName: string | null;
  at: string;
  note: string | null;
  public: boolean;
}

export interface OrderDetail extends OrderSummary {
  eventCode: string | null;
  resolutionNote: string | null;
  ratingReason: string | null;
  requesters: Array<{
    id: number;
    anonymous: boolean;
    name: string | null;
    phone: string | null;
    channel: string;
    joinedAt: string;
  }>;
  events: OrderEvent[];
  attachments: Array<{
    id: number;
    fileName: string;
    contentType: string;
    byteSize: number;
    createdAt: string;
  }>;
  availableActions: string[];
}

export interface RelatedOrder extends OrderSummary {
  relation: 'merged_in' | 'merged_into' | 'similar';
  score: number | null;
  distanceMetres: number | null;
}

export interface OrderReference {
  categories: Array<{ code: string; name: string; nameEn: string; majorName: string; unitName: string }>;
  units: Array<{ code: string; name: string; kind: string }>;
  urbanClasses: Array<{ code: string; kind: 'event' | 'component'; major: string; minor: string }>;
}

export interface RateRow {
  key: string;
  name: string;
  received: number;
  dispatched: number;
  respondedOnTime: number;
  resolved: number;
  resolvedOnTime: number;
  visited: number;
  solved: number;
  satisfied: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  score: number | null;
  rank: number;
  drillDown: string;
}

export interface TopProblem {
  month: string;
  categoryCode: string;
  categoryName: string;
  count: number;
  topCommunityCode: string;
  topCommunityName: string;
  topCommunityCount: number;
}

export const ORDER_STATUSES = [
  'received',
  'classified',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
  'resolved',
  'rated',
  'closed',
  'merged',
] as const;

export const STATUS_COLOURS: Record<string, string> = {
  received: 'default',
  classified: 'default',
  dispatched: 'processing',
  accepted: 'processing',
  in_progress: 'blue',
  returned: 'warning',
  resolved: 'cyan',
  rated: 'green',
  closed: 'success',
  merged: 'default',
};

/** The classifier's suggestion stored when the order came in, and the category an operator confirmed. */
export interface OrderClassification {
  modelVersion: number;
  suggested: { code: string; name: string; path: string; department: string; probability: number };
  alternatives: { code: string; name: string; probability: number }[];
  needsReview: boolean;
  finalCategory: { code: string; name: string } | null;
  corrected: boolean | null;
}
