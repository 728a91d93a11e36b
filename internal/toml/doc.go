// Package toml reads TOML 1.1.0 documents into plain Go values.
//
// oshim runs on every container start and reads its admin configuration each
// time, so the reader has to be cheap: it uses no reflection, no regular
// expressions and no package-level state, does no work at init time, and never
// consults the system time zone (TOML datetimes are kept as validated text).
// Parse returns a Document whose Root holds string, int64, float64, bool,
// Datetime, []any and map[string]any values, and which remembers the line each
// key and table came from so callers can point at the offending line.
package toml
