// What the hotline desk and the models page read from the API, as the server declares it
// (src/domains/requests/classifier.schema.ts, requests.schema.ts): type-only imports, so nothing of the server
// enters the bundle and a change of shape there fails the console's typecheck.
import type { Static } from '@sinclair/typebox';
import type {
  ModelListOut,
  ModelOut,
  SuggestionOut,
} from '../../../../src/domains/requests/classifier.schema.ts';
import type { CallerOut, SimilarOut, SubmitOut } from '../../../../src/domains/requests/requests.schema.ts';

export type Suggestion = Static<typeof SuggestionOut>;
export type CategoryGuess = Suggestion['alternatives'][number];
export type SimilarOrder = Static<typeof SimilarOut>['items'][number];
export type CallerInfo = Static<typeof CallerOut>;
export type SubmitResult = Static<typeof SubmitOut>;
export type ModelVersion = Static<typeof ModelOut>;
export type ModelList = Static<typeof ModelListOut>;

/** Open311 service list entry: one request category. */
export interface OpenService {
  service_code: string;
  service_name: string;
  group: string | null;
  keywords: string;
}
