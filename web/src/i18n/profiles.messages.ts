// Strings of the staff pages for resident profiles and proactive services (免申即享), and of the rule wording the
// resident portal shares with them.
export const PROFILES_MESSAGES = {
  profilesAllOf: ['同时满足以下全部', 'All of these'],
  profilesAnyOf: ['满足以下任一', 'Any of these'],
  profilesNoneOf: ['不属于以下情况', 'Not this'],
} as const;
