// `cbrain eligibility`: checks tag and policy rules on a plain CSV of residents, printing per person the tags, the
// policies they qualify for, the near-misses and exclusions with their reasons, and (with --explain) the whole
// explanation tree — the same evaluator the platform runs, on data the platform has never seen.
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { residentsFromTable } from '../../domains/profiles/csv-residents.ts';
import { RESIDENT_FIELDS } from '../../domains/profiles/index.ts';
import { escapeFormula } from '../../lib/csv-table.ts';
import { decideResident, parseRuleText } from '../../lib/rules/index.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { printJson, readTable, requireColumn } from './csv-input.ts';

interface EligibilityOptions {
  rules: string;
  input: string;
  id: string;
  asOf?: string;
  format: 'json' | 'csv';
  explain?: boolean;
}

function received(receives: unknown, policy: string): boolean {
  return Array.isArray(receives) && receives.includes(policy);
}

function chinaToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function registerEligibilityCommand(program: Command) {
  program
    .command('eligibility')
    .description('免申即享规则核对 Check tag and policy rules (JSON) against residents in a CSV file')
    .requiredOption('--rules <file>', 'rule document (JSON): { version, tags: [...], policies: [...] }')
    .requiredOption(
      '--input <file>',
      'CSV, one resident per row; columns named after the facts (age or birth_date, tags "a;b", household_id …)',
    )
    .requiredOption('--id <column>', 'column holding the resident id')
    .option('--as-of <date>', 'evaluation date yyyy-mm-dd (default: today in China)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .option('--explain', 'include the full explanation tree of every decision (JSON only)')
    .action(async (opts: EligibilityOptions) => {
      const asOf = opts.asOf ?? chinaToday();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)))
        throw new CliError(`--as-of "${asOf}" is not a date (yyyy-mm-dd)`, EXIT.USAGE);
      let text: string;
      try {
        text = await readFile(opts.rules, 'utf8');
      } catch {
        throw new CliError(`${opts.rules}: cannot read the rule file`, EXIT.USAGE);
      }
      const parsed = parseRuleText(text.replace(/^\uFEFF/, ''), RESIDENT_FIELDS);
      if (!parsed.ok)
        throw new CliError(
          parsed.problems
            .map((p) => `${opts.rules}#${p.path || '/'}: ${p.messageEn} (${p.message})`)
            .join('\n'),
          EXIT.FAILURE,
        );
      const doc = parsed.value;
      const table = await readTable(opts.input);
      requireColumn(table, opts.id, '--id');
      const input = residentsFromTable(table, opts.id, asOf);
      if (input.problems.length > 0)
        throw new CliError(
          input.problems.map((p) => `${opts.input}:${p.line} [${p.column}]: ${p.message}`).join('\n'),
          EXIT.FAILURE,
        );
      const summary: Record<string, Record<string, number>> = Object.fromEntries(
        doc.policies.map((p) => [p.id, { eligible: 0, near_miss: 0, excluded: 0, not_eligible: 0 }]),
      );
      const results = input.residents.map((r) => {
        const d = decideResident(doc, r.facts, RESIDENT_FIELDS);
        for (const p of d.policies) summary[p.policy]![p.status]!++;
        return { id: r.id, line: r.line, decisions: d, receives: r.facts['receives'] };
      });
      if (opts.format === 'csv') {
        const rows = results.flatMap((r) =>
          r.decisions.policies.map((p) =>
            [
              r.id,
              p.policy,
              p.status,
              p.amount ?? '',
              p.tier ?? '',
              p.reasons.join('；'),
              p.missingData ? 'yes' : 'no',
              r.decisions.tags.map((t) => t.tag).join(';'),
            ].map((v) => escapeFormula(String(v))),
          ),
        );
        process.stdout.write(
          stringify([
            ['id', 'policy', 'status', 'amount', 'tier', 'reasons', 'missing_data', 'tags'],
            ...rows,
          ]),
        );
        return;
      }
      printJson({
        rules: doc.version,
        asOf,
        persons: results.length,
        ignoredColumns: input.ignoredColumns,
        missingFields: input.missingFields,
        summary,
        results: results.map((r) => {
          const byStatus = (s: string) => r.decisions.policies.filter((p) => p.status === s);
          return {
            id: r.id,
            tags: r.decisions.tags.map((t) => ({ tag: t.tag, version: t.version, evidence: t.evidence })),
            eligible: byStatus('eligible').map((p) => ({
              policy: p.policy,
              amount: p.amount,
              tier: p.tier,
              // From the receives column: qualifies and already receives it (not a gap).
              alreadyReceives: received(r.receives, p.policy),
            })),
            nearMisses: byStatus('near_miss').map((p) => ({
              policy: p.policy,
              missingData: p.missingData,
              reasons: p.reasons,
            })),
            excluded: byStatus('excluded').map((p) => ({ policy: p.policy, reasons: p.reasons })),
            ...(opts.explain
              ? {
                  explanation: Object.fromEntries(r.decisions.policies.map((p) => [p.policy, p.explanation])),
                }
              : {}),
          };
        }),
      });
    });
}
