// Package presets holds the files `oshim install` writes when an admin has none yet.
package presets

import _ "embed"

// Config is the default admin config: the sandbox-supervisor contract of the case oshim
// was written for. Install writes it only where no config exists.
//
//go:embed config.toml
var Config []byte
