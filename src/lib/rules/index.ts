// The rule language: types, the parser that names every problem's path, the three-valued evaluator with its
// explanation tree, and the tag/policy decisions built on it. Pure: no I/O.
export * from './decide.ts';
export * from './evaluate.ts';
export * from './parse-rules.ts';
export * from './quick.ts';
export * from './rule-types.ts';
