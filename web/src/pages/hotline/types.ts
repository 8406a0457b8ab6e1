// What the hotline desk and the models page read from the API (src/domains/requests/classifier.schema.ts,
// requests.schema.ts).
export interface CategoryGuess {
  code: string;
  name: string;
  path: string;
  department: string;
  probability: number;
}

export interface Suggestion {
  modelVersion: number;
  categoryCode: string;
  confidence: number;
  needsReview: boolean;
  threshold: number;
  department: string;
  alternatives: CategoryGuess[];
  keywords: Array<{ text: string; weight: number }>;
  urgent: boolean;
  urgencyReasons: string[];
}

export interface SimilarOrder {
  id: number;
  number: string;
  status: string;
  statusLabel: string;
  description: string;
  address: string | null;
  receivedAt: string;
  score: number;
  sameIncident: boolean;
}

export interface CallerInfo {
  residents: Array<{
    personId: number;
    name: string;
    phone: string | null;
    address: string | null;
    gridName: string | null;
  }>;
  previousOrders: Array<{
    id: number;
    number: string;
    status: string;
    receivedAt: string;
    description: string;
  }>;
}

/** Open311 service list entry: one request category. */
export interface OpenService {
  service_code: string;
  service_name: string;
  group: string | null;
  keywords: string;
}

export interface SubmitResult {
  order: { number: string; status: string; statusLabel?: string };
  merged: boolean;
  accessCode: string | null;
}

export interface ModelVersion {
  version: number;
  status: 'training' | 'ready' | 'failed';
  active: boolean;
  startedAt: string;
  trainedAt: string | null;
  activatedAt: string | null;
  examples: number | null;
  heldOut: number | null;
  accuracy: number | null;
  macroF1: number | null;
  weakest: Array<{
    code: string;
    name: string;
    f1: number;
    precision: number;
    recall: number;
    support: number;
  }>;
  confusions: Array<{
    actual: string;
    actualName: string;
    predicted: string;
    predictedName: string;
    count: number;
  }>;
  agreement: { suggested: number; confirmed: number; agreed: number; flagged: number; rate: number | null };
  error: string | null;
}

export interface ModelList {
  items: ModelVersion[];
  training: {
    version: number;
    status: string;
    fraction: number;
    message: string;
    startedAt: string;
    error: string | null;
  } | null;
}
