// Facility siting for precise supply: one entry point for the four models. See each model's file for the
// method; problem.ts for the conventions shared by all (p includes fixed sites, R is inclusive, optimal means
// proven).
import { solveLscp } from './lscp.ts';
import { solveMclp } from './mclp.ts';
import { solvePCenter } from './pcenter.ts';
import { solvePMedian } from './pmedian.ts';
import {
  type LocationModel,
  type LocationProblem,
  type LocationResult,
  validateLocationProblem,
} from './problem.ts';

export const LOCATION_MODELS: readonly LocationModel[] = ['mclp', 'pmedian', 'lscp', 'pcenter'];

/** Validates the problem for the model (LocationInputError on bad input) and solves it. */
export function solveLocation(model: LocationModel, problem: LocationProblem): Promise<LocationResult> {
  validateLocationProblem(model, problem);
  switch (model) {
    case 'mclp':
      return solveMclp(problem);
    case 'pmedian':
      return solvePMedian(problem);
    case 'lscp':
      return solveLscp(problem);
    case 'pcenter':
      return solvePCenter(problem);
  }
}
