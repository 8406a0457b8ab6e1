// Request-text understanding: category classification, urgency, sentiment and duplicate detection. Pure
// functions over strings; no I/O. This file is the stable API the requests domain imports.
//
// Classification
//   trainTextClassifier(examples: {text, label}[], options?) → TextClassifier
//       options: { seed (default 1), features: { buckets (2^20), wordUnigrams, wordBigrams, charNgrams [1,2,3],
//       maxChars 3000 }, softmax: { l2, learningRate, initialAccumulator, maxEpochs 20, patience 3,
//       classWeightPower 0.5 },
//       validationFraction 0.1, refit true, complementNb true, minDocumentFrequency 2, onProgress }
//       Throws ClassifyDataError for no examples or fewer than 2 labels. Same data + seed → same model.
//   classifyText(model, text, topK = 3) → { label, confidence, alternatives: [{label, probability}] }
//       Empty or unknown text gives the prior-like best guess (low confidence), never an error.
//   evaluateTextClassifier(model, examples) → ClassificationReport { accuracy, macroF1, weightedF1, perClass }
//       Labels the model never saw count as wrong.
//   serializeClassifier(model) → string (JSON, format "cbrain-text-classifier", version 1)
//   parseClassifier(json) → TextClassifier; throws ModelFormatError on another format, version or damage.
//   With labels that are request category codes (src/domains/requests/categories.ts), departmentOf(label) and
//   requestCategory(label).deadline give the routing.
//
// Urgency:    urgencyByRules(text), detectUrgency(text, { model?, urgentLabel? }) → { urgent, score, reasons }
// Sentiment:  sentimentOf(text) → { score −1…1, label, hits }
// Duplicates: textSimilarity(a, b) → 0…1 (character-bigram cosine); new DuplicateIndex<Id>() with
//             add(id, text), remove(id), similar(text, threshold = 0.6, limit = 10) → [{ id, similarity }]

export {
  ClassifyDataError,
  classifyText,
  evaluateTextClassifier,
  type LabelledText,
  type Prediction,
  type TextClassifier,
  type TrainingSummary,
  type TrainOptions,
  trainTextClassifier,
  vectorize,
} from './classifier.ts';
// Explanation: topTermsFor(model, text, label, limit = 5) → [{ text, weight }], the words that weighed most.
export { topTermsFor, type WeightedTerm } from './explain.ts';
export { DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from './features.ts';
// Held-out training: trainWithHoldout(examplesOldestFirst, { holdoutFraction 0.15, train }) → { model, report }
// with accuracy, macro-F1, the weakest classes and the most frequent confusions.
export { type HoldoutOptions, type HoldoutReport, trainWithHoldout } from './holdout.ts';
export { type ClassificationReport, type ClassMetrics, classificationReport } from './metrics.ts';
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  ModelFormatError,
  parseClassifier,
  serializeClassifier,
} from './model-format.ts';
export { normalizeText } from './normalize.ts';
export { type SentimentResult, sentimentOf } from './sentiment.ts';
export { DuplicateIndex, type SimilarText, textSimilarity } from './similarity.ts';
export { DEFAULT_SOFTMAX_OPTIONS, type SoftmaxOptions } from './softmax-regression.ts';
export { detectUrgency, type UrgencyResult, urgencyByRules } from './urgency.ts';
