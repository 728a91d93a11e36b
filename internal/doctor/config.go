package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/oshim/oshim/internal/config"
)

// checkConfig loads the admin config. A broken config makes every call through oshim
// fail, so it is a failure; the config's own warnings are warnings.
func checkConfig(src config.Source) (*config.Config, []Check) {
	path := src.Path
	cfg, err := src.Load()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, []Check{{
			Name: "config", Status: Fail, Detail: err.Error(),
			Fix: fmt.Sprintf("create %s, or name the right file: until then every container call through oshim fails", path),
		}}
	case err != nil:
		return nil, []Check{{
			Name: "config", Status: Fail, Detail: err.Error(),
			Fix: fmt.Sprintf("correct %s where the error says: until then every container call through oshim fails", path),
		}}
	}
	c := Check{Name: "config", Status: OK}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		c.Detail = fmt.Sprintf("%s does not exist: no contracts, oshim passes every call through unchanged", path)
	} else {
		c.Detail = fmt.Sprintf("%s: %d contract(s)", path, cfg.Set.Len())
	}
	checks := []Check{c}
	for _, w := range cfg.Warnings {
		checks = append(checks, Check{Name: "config", Status: Warn, Detail: w, Fix: "anchor every pattern with ^...$ unless a substring match is meant"})
	}
	return cfg, checks
}
