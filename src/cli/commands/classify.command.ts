// `cbrain classify train|eval|predict`: the request-text classifier (src/lib/classify) over plain CSV or XLSX.
// stdout carries JSON only; progress goes to stderr. Input files may be UTF-8 (with or without BOM), UTF-16
// with BOM, or GBK/GB18030 (what Chinese spreadsheet software often writes): a file that is not valid UTF-8 is
// decoded as GB18030, a superset of GBK.
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { departmentOf, requestCategory, requestCategoryPath } from '../../domains/requests/categories.ts';
import {
  ClassifyDataError,
  classifyText,
  evaluateTextClassifier,
  type LabelledText,
  ModelFormatError,
  parseClassifier,
  serializeClassifier,
  type TextClassifier,
  topTermsFor,
  trainTextClassifier,
} from '../../lib/classify/index.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { columnList, printJson } from './csv-input.ts';

interface Table {
  file: string;
  header: string[];
  rows: string[][];
}

/** The text of a CSV file in whatever encoding it came in, and the name of that encoding. */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: Buffer.from(bytes.subarray(3)).toString('utf8'), encoding: 'utf-8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf16le'), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf16be'), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gb18030' };
  }
}

async function readXlsx(file: string): Promise<string[][]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    throw new CliError(`${file}: not a readable XLSX workbook (${(error as Error).message})`, EXIT.FAILURE);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new CliError(`${file}: the workbook has no worksheet`, EXIT.FAILURE);
  const records: string[][] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(row.getCell(c).text ?? '');
    records.push(cells);
  });
  return records;
}

async function readTable(file: string, delimiter: string | undefined): Promise<Table> {
  let records: string[][];
  if (/\.xlsx$/i.test(file)) {
    records = await readXlsx(file);
  } else {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(
        `${file}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code})`}`,
        EXIT.FAILURE,
      );
    }
    const { text } = decodeCsvBytes(bytes);
    const firstLine = text.slice(0, text.search(/\r?\n|$/));
    const sep = delimiter ?? (firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',');
    try {
      records = parse(text, { delimiter: sep, skip_empty_lines: true, relax_column_count: false });
    } catch (error) {
      const e = error as Error & { lines?: number };
      throw new CliError(`${file}${e.lines ? `:${e.lines}` : ''}: malformed CSV: ${e.message}`, EXIT.FAILURE);
    }
  }
  const [header, ...rows] = records;
  if (!header) throw new CliError(`${file}: the file is empty (no header row)`, EXIT.FAILURE);
  if (rows.length === 0) throw new CliError(`${file}: the file has a header but no rows`, EXIT.FAILURE);
  return { file, header: header.map((h) => h.trim()), rows };
}

function columnIndex(table: Table, name: string, option: string): number {
  const i = table.header.indexOf(name);
  if (i < 0)
    throw new CliError(
      `${table.file}: no column "${name}" (given by ${option}); columns are: ${table.header.join(', ')}`,
      EXIT.USAGE,
    );
  return i;
}

/** Labelled texts of a table; rows with an empty label are left out and reported (line numbers). */
function labelledTexts(table: Table, textColumns: string, labelColumn: string) {
  const textIdx = columnList(textColumns, '--text').map((c) => columnIndex(table, c, '--text'));
  const labelIdx = columnIndex(table, labelColumn, '--label');
  const examples: LabelledText[] = [];
  const unlabelledLines: number[] = [];
  table.rows.forEach((row, i) => {
    const label = (row[labelIdx] ?? '').trim();
    if (label === '') {
      unlabelledLines.push(i + 2);
      return;
    }
    // Title and body columns are joined with a full stop, so n-grams do not run across them.
    const text = textIdx
      .map((c) => (row[c] ?? '').trim())
      .filter((t) => t !== '')
      .join('。');
    examples.push({ text, label });
  });
  if (unlabelledLines.length > 0) {
    const shown = unlabelledLines.slice(0, 10).join(', ');
    process.stderr.write(
      `classify: ${unlabelledLines.length} row(s) without a label left out (lines ${shown}${unlabelledLines.length > 10 ? ', …' : ''})\n`,
    );
  }
  if (examples.length === 0)
    throw new CliError(`${table.file}: no row has a label in "${labelColumn}"`, EXIT.FAILURE);
  return { examples, unlabelledRows: unlabelledLines.length };
}

/**
 * The --data file. The root program also has a --data option (the PGlite directory) and commander gives a
 * known root option to the root wherever it appears, so the value is read from the merged options.
 */
function dataFile(cmd: Command): string {
  const data = (cmd.optsWithGlobals() as { data?: string }).data;
  if (!data) throw new CliError("required option '--data <file>' not specified", EXIT.USAGE);
  return data;
}

async function loadModel(file: string): Promise<TextClassifier> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === 'ENOENT' ? 'model file not found' : `cannot read (${code})`}`);
  }
  try {
    return parseClassifier(json);
  } catch (error) {
    if (error instanceof ModelFormatError) throw new CliError(`${file}: ${error.message}`, EXIT.FAILURE);
    throw error;
  }
}

function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${option} must be a positive integer`, EXIT.USAGE);
  return n;
}

/** A category code from the request tree gets its path, department and deadline next to the prediction. */
function routing(label: string) {
  const category = requestCategory(label);
  if (!category) return {};
  return { path: requestCategoryPath(label), department: departmentOf(label), deadline: category.deadline };
}

interface TrainOpts {
  text: string;
  label: string;
  out: string;
  buckets: string;
  seed: string;
  epochs?: string;
  nb: boolean;
  delimiter?: string;
}

interface EvalOpts {
  model: string;
  text: string;
  label: string;
  delimiter?: string;
}

export function registerClassifyCommand(program: Command) {
  const classify = program
    .command('classify')
    .description('诉求文本分类 Request-text classification: train, evaluate, predict');

  classify
    .command('train')
    .description('从带标签的 CSV/XLSX 训练分类模型 Train a model from a labelled CSV or XLSX file')
    .option('--data <file>', 'CSV (UTF-8, UTF-8 BOM, GBK/GB18030) or XLSX with a header row (required)')
    .requiredOption('--text <columns>', 'text column(s), comma-separated (joined in order, e.g. title,body)')
    .requiredOption('--label <column>', 'label column')
    .requiredOption('--out <file>', 'where to write the model (JSON)')
    .option('--buckets <n>', 'hash buckets (model size vs collisions)', String(1 << 20))
    .option('--seed <n>', 'random seed (same seed, same model)', '1')
    .option('--epochs <n>', 'maximum training epochs (early stopping may stop sooner)')
    .option('--no-nb', 'logistic regression only, without the complement naive Bayes second opinion')
    .option(
      '--delimiter <char>',
      'CSV delimiter (default: tab if the header has tabs and no commas, else comma)',
    )
    .action(async (opts: TrainOpts, cmd: Command) => {
      const data = dataFile(cmd);
      const buckets = positiveInt(opts.buckets, '--buckets');
      const seed = positiveInt(opts.seed, '--seed');
      const maxEpochs = opts.epochs !== undefined ? positiveInt(opts.epochs, '--epochs') : undefined;
      const table = await readTable(data, opts.delimiter);
      const { examples, unlabelledRows } = labelledTexts(table, opts.text, opts.label);
      const started = performance.now();
      let model: TextClassifier;
      try {
        model = trainTextClassifier(examples, {
          seed,
          features: { buckets },
          softmax: maxEpochs ? { maxEpochs } : {},
          complementNb: opts.nb,
          onProgress: (m) => process.stderr.write(`classify: ${m}\n`),
        });
      } catch (error) {
        if (error instanceof ClassifyDataError) throw new CliError(`${data}: ${error.message}`, EXIT.FAILURE);
        throw error;
      }
      const seconds = (performance.now() - started) / 1000;
      const json = serializeClassifier(model);
      await writeFile(opts.out, json);
      const counts = new Map<string, number>();
      for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
      printJson({
        model: opts.out,
        modelBytes: Buffer.byteLength(json),
        examples: examples.length,
        unlabelledRows,
        labels: model.labels.map((label) => ({ label, examples: counts.get(label) ?? 0 })),
        training: model.training,
        complementNbMix: model.nbMix,
        seconds: Number(seconds.toFixed(3)),
      });
    });

  classify
    .command('eval')
    .description('在带标签的数据上评估模型 Evaluate a model on labelled data: accuracy, macro-F1, per class')
    .requiredOption('--model <file>', 'model written by `classify train`')
    .option('--data <file>', 'CSV or XLSX with a header row (required)')
    .requiredOption('--text <columns>', 'text column(s), comma-separated')
    .requiredOption('--label <column>', 'label column')
    .option('--delimiter <char>', 'CSV delimiter')
    .action(async (opts: EvalOpts, cmd: Command) => {
      const data = dataFile(cmd);
      const model = await loadModel(opts.model);
      const table = await readTable(data, opts.delimiter);
      const { examples, unlabelledRows } = labelledTexts(table, opts.text, opts.label);
      process.stderr.write(`classify: evaluating ${examples.length} texts\n`);
      const report = evaluateTextClassifier(model, examples);
      const known = new Set(model.labels);
      const unseenLabels = [...new Set(examples.map((e) => e.label))].filter((l) => !known.has(l)).sort();
      printJson({
        model: opts.model,
        data,
        examples: report.examples,
        unlabelledRows,
        accuracy: report.accuracy,
        macroF1: report.macroF1,
        weightedF1: report.weightedF1,
        unseenLabels,
        perClass: report.perClass,
      });
    });

  classify
    .command('predict')
    .description('预测一条诉求的类别 Predict the category of one text')
    .requiredOption('--model <file>', 'model written by `classify train`')
    .requiredOption('--text <text>', 'the request text')
    .option('--top <k>', 'how many alternatives to list', '3')
    .action(async (opts: { model: string; text: string; top: string }) => {
      const top = positiveInt(opts.top, '--top');
      const model = await loadModel(opts.model);
      const p = classifyText(model, opts.text, top);
      printJson({ ...p, ...routing(p.label), keywords: topTermsFor(model, opts.text, p.label, 6) });
    });
}
