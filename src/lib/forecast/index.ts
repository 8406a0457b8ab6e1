// Count-series forecasting (requests per category per day or week): regularisation, seasonal naive and
// Holt–Winters, rolling-origin backtest against the baseline. Pure: no I/O.
export * from './backtest.ts';
export * from './forecast.ts';
export * from './methods.ts';
export * from './series.ts';
