// The content of an exported report, independent of the file format: a title, some key figures and tables.
export interface ReportTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface TableReport {
  title: string;
  /** Lines under the title: area, period, when it was made. */
  subtitle: string[];
  tables: ReportTable[];
}
