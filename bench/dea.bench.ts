// DEA speed: every CCR/BCC × input/output model over generated units (3 inputs, 2 outputs; size drawn per unit,
// efficiency spread 0.3–1). Target: 1,000 units within 10 s on a 2-core machine. The figures include validation,
// both phases (radial score, then slack maximisation) and the pricing rounds of the frontier column generation.
import { runDea } from '../src/lib/dea/dea.ts';
import { generatedDeaUnits } from '../src/lib/dea/generated-units.ts';

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const sizes = opts.size === 'large' ? [1000, 5000] : [1000];
  for (const n of sizes) {
    const data = generatedDeaUnits({ units: n, inputs: 3, outputs: 2, seed: 2024 });
    for (const model of ['ccr', 'bcc'] as const) {
      for (const orientation of ['input', 'output'] as const) {
        const r = await runDea(data, { model, orientation });
        console.log(
          `DEA ${model.toUpperCase()} ${orientation}-oriented, ${n} units × (3 in, 2 out): ${r.seconds.toFixed(2)} s, ` +
            `${r.linearPrograms} LPs, ${r.efficientUnits} efficient (target ≤ 10 s for 1,000 units)`,
        );
      }
    }
    const sup = await runDea(data, { model: 'ccr', orientation: 'input', superEfficiency: true });
    console.log(
      `DEA CCR input super-efficiency, ${n} units (every unit a column): ${sup.seconds.toFixed(2)} s`,
    );
  }
}
