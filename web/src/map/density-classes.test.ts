import { describe, expect, it } from 'vitest';
import { classColours, densityBreaks, densityColourExpression } from './density-classes.ts';

describe('density classes', () => {
  it('colours by steps, the densest class darkest', () => {
    const breaks = densityBreaks([100, 900, 2500, 4000, 7000, 12000, 15000]);
    expect(breaks.length).toBeGreaterThan(1);
    const expression = densityColourExpression(breaks) as unknown[];
    expect(expression[0]).toBe('step');
    // input, first colour, then one (break, colour) pair per break: MapLibre's `step` shape.
    expect(expression).toHaveLength(3 + 2 * breaks.length);
    expect(expression.at(-1)).toBe(classColours(breaks.length + 1).at(-1));
  });

  it('is one plain colour when there is nothing to step between (MapLibre refuses a step without a stop)', () => {
    expect(densityBreaks([4200])).toEqual([]);
    expect(densityBreaks([])).toEqual([]);
    expect(typeof densityColourExpression([])).toBe('string');
  });
});
