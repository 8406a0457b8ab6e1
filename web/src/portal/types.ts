// What the portal reads from the API (the public view of a request: no personal data).
export interface PublicStep {
  action: string;
  label: string;
  labelEn: string;
  status: string;
  unit: string | null;
  at: string;
}

export interface PublicOrder {
  number: string;
  status: string;
  statusLabel: string;
  statusLabelEn: string;
  categoryName: string | null;
  responsibleUnit: string | null;
  handler: string | null;
  receivedAt: string;
  resolveDue: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  satisfaction: number | null;
  steps: PublicStep[];
}

export interface SubmitResult {
  order: PublicOrder;
  merged: boolean;
  accessCode: string | null;
}

export interface MyRequest extends PublicOrder {
  description: string;
  address: string | null;
  anonymous: boolean;
}
