// What leaves the server about organizations, facilities and providers. A legal representative is a person, so
// their name and phone are masked like a resident's; a facility's or provider's service line is public.
import { maskName, maskPhone } from '../../lib/masking.ts';

export interface OrganizationRow {
  id: number;
  uscc: string | null;
  name: string;
  kind: string;
  industry: string | null;
  legal_rep_name: string | null;
  contact_phone: string | null;
  address: string;
  lng: number | null;
  lat: number | null;
  employees: number | null;
  grid_id: number;
  grid_name: string;
}

export function presentOrganization(o: OrganizationRow) {
  return {
    id: o.id,
    uscc: o.uscc,
    name: o.name,
    kind: o.kind,
    industry: o.industry,
    legalRepName: o.legal_rep_name ? maskName(o.legal_rep_name) : null,
    contactPhone: o.contact_phone ? maskPhone(o.contact_phone) : null,
    address: o.address,
    lng: o.lng,
    lat: o.lat,
    employees: o.employees,
    gridId: o.grid_id,
    gridName: o.grid_name,
  };
}

export interface FacilityRow {
  id: number;
  type: string;
  type_name: string;
  name: string;
  address: string;
  lng: number;
  lat: number;
  capacity: number | null;
  floor_m2: string | number | null;
  opening_hours: string | null;
  grid_id: number;
  grid_name: string;
}

export function presentFacility(f: FacilityRow) {
  return {
    id: f.id,
    type: f.type,
    typeName: f.type_name,
    name: f.name,
    address: f.address,
    lng: f.lng,
    lat: f.lat,
    capacity: f.capacity,
    floorM2: f.floor_m2 === null ? null : Number(f.floor_m2),
    openingHours: f.opening_hours,
    gridId: f.grid_id,
    gridName: f.grid_name,
  };
}

export interface ProviderRow {
  id: number;
  name: string;
  kind: string;
  service_categories: string[];
  capacity_per_month: number | null;
  rating: string | number | null;
  contact_phone: string | null;
  organization_id: number | null;
  scope_path: string;
}

export function presentProvider(p: ProviderRow) {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    serviceCategories: p.service_categories,
    capacityPerMonth: p.capacity_per_month,
    rating: p.rating === null ? null : Number(p.rating),
    contactPhone: p.contact_phone,
    organizationId: p.organization_id,
    scopePath: p.scope_path,
  };
}
