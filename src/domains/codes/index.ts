// Code tables (代码表): the routes, and the labels every presenter uses.
export { type CodeLabels, codeLabelsOf, type LabelledCodeSet } from './code-labels.ts';
export { codesRoutes } from './codes.routes.ts';
