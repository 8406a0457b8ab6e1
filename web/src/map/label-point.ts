// Where to write an area's name: a point inside the area, away from its edges. The vertex mean (turf's
// centroid) can fall outside a concave area — and then the label names the area next door, and a click on it
// opens the wrong one. This takes the middle of the widest horizontal chord among a few scanlines, which always
// lies inside. (polylabel does this better but is not among the installed packages; this is enough for labels.)
import type { Geometry, Position } from 'geojson';

const SCANLINES = 9;

function rings(geometry: Geometry): Position[][] {
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

/** A point inside the (multi)polygon, or null for other geometries. */
export function labelPoint(geometry: Geometry): [number, number] | null {
  const all = rings(geometry);
  if (all.length === 0) return null;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const ring of all)
    for (const [, y] of ring) {
      if (y! < minY) minY = y!;
      if (y! > maxY) maxY = y!;
    }
  let best: [number, number] | null = null;
  let bestWidth = -1;
  for (let i = 1; i <= SCANLINES; i++) {
    const y = minY + ((maxY - minY) * i) / (SCANLINES + 1);
    // Crossings of the scanline with every edge; between pairs of crossings lies the inside (even-odd rule).
    const xs: number[] = [];
    for (const ring of all)
      for (let k = 0; k < ring.length - 1; k++) {
        const [x1, y1] = ring[k] as [number, number];
        const [x2, y2] = ring[k + 1] as [number, number];
        if (y1 <= y !== y2 <= y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
      }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const width = xs[k + 1]! - xs[k]!;
      // Prefer chords near the middle of the area: a little weight against the top and bottom scanlines.
      const weighted = width * (1 - Math.abs(i - (SCANLINES + 1) / 2) / (SCANLINES + 1));
      if (weighted > bestWidth) {
        bestWidth = weighted;
        best = [(xs[k]! + xs[k + 1]!) / 2, y];
      }
    }
  }
  return best;
}
