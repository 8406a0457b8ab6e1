// Every page loads on first visit, so the sign-in screen carries none of the map, chart or table code.
import { lazy } from 'react';

export const HomePage = lazy(() => import('./HomePage.tsx').then((m) => ({ default: m.HomePage })));
export const PersonsPage = lazy(() => import('./PersonsPage.tsx').then((m) => ({ default: m.PersonsPage })));
export const PersonPage = lazy(() => import('./PersonPage.tsx').then((m) => ({ default: m.PersonPage })));
export const MapPage = lazy(() => import('./MapPage.tsx').then((m) => ({ default: m.MapPage })));
export const AuditPage = lazy(() => import('./AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
export const AccountsPage = lazy(() =>
  import('./AccountsPage.tsx').then((m) => ({ default: m.AccountsPage })),
);
