// Class breaks for the density choropleth, taken from the densities on screen (quantiles, rounded to two
// significant figures so the legend reads well), because a district's streets and a community's grids differ by
// an order of magnitude and fixed breaks would paint one of them in a single colour.

export const DENSITY_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] as const;

/** Rounded down to two significant figures, so the area a break was taken from stays in the upper class. */
function roundDown(x: number): number {
  if (x <= 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.floor(x / magnitude) * magnitude;
}

/** Ascending upper breaks between the colour classes (at most DENSITY_COLOURS.length - 1 of them). */
export function densityBreaks(densities: readonly number[]): number[] {
  const sorted = densities.filter((d) => Number.isFinite(d)).sort((a, b) => a - b);
  if (sorted.length < 2) return [];
  const classes = DENSITY_COLOURS.length;
  const breaks: number[] = [];
  for (let i = 1; i < classes; i++) {
    const b = roundDown(sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / classes))]!);
    if (b > sorted[0]! && b > (breaks[breaks.length - 1] ?? -1)) breaks.push(b);
  }
  return breaks;
}

/** One colour per class, spread over the whole ramp so the densest class is always the darkest. */
export function classColours(classCount: number): string[] {
  const last = DENSITY_COLOURS.length - 1;
  if (classCount <= 1) return [DENSITY_COLOURS[2]];
  return Array.from(
    { length: classCount },
    (_, i) => DENSITY_COLOURS[Math.round((i * last) / (classCount - 1))]!,
  );
}

/**
 * A MapLibre `step` expression colouring by the feature's `density` property. With no breaks (one area, or all
 * alike) it is the one colour itself: MapLibre refuses a `step` without a stop.
 */
export function densityColourExpression(breaks: readonly number[]): unknown[] | string {
  const colours = classColours(breaks.length + 1);
  if (breaks.length === 0) return colours[0]!;
  const expression: unknown[] = ['step', ['coalesce', ['get', 'density'], 0], colours[0]];
  for (const [i, b] of breaks.entries()) expression.push(b, colours[i + 1]);
  return expression;
}
