// Pure normalisers of department data: text, dates, phones, identity (ID number, sex, birth date), addresses,
// building matching and column-mapping suggestions.
export { type AddressParts, emptyAddress, parseAddress } from './address.ts';
export {
  type BuildingMatch,
  type BuildingMatcher,
  createBuildingMatcher,
  type KnownBuilding,
} from './building-match.ts';
export {
  type ColumnMapping,
  type ColumnSuggestion,
  suggestMapping,
  TARGET_FIELDS,
  type TargetField,
} from './column-mapping.ts';
export { type DateProblem, type DateResult, parseLooseDate } from './date.ts';
export { type Identity, type IdentityProblem, parseSex, reconcileIdentity, type Sex } from './identity.ts';
export { type PhoneResult, parsePhone } from './phone.ts';
export { escapeFormula } from './spreadsheet-safety.ts';
export { chineseNumeral, cleanName, cleanText } from './text.ts';
