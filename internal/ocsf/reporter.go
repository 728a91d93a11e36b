package ocsf

import (
	"os"

	"github.com/sirupsen/logrus"
)

// Reporter sends one oshim process's findings to the admin config's sink.
type Reporter struct {
	Sink    Sink
	Product ProductInfo
	// Log gets a warning when an event cannot be built or written.
	Log *logrus.Logger
}

// Emit sends findings to the sink. A failure is logged as a warning and never
// returned: a container must not fail because a log could not be written.
func (r Reporter) Emit(fs ...Finding) {
	if (r.Sink.Path == "" && !r.Sink.Syslog) || len(fs) == 0 {
		return
	}
	events := make([]*Event, 0, len(fs))
	host, _ := os.Hostname() // Build reports a failure to read it, for each event
	for _, f := range fs {
		if f.Host == "" {
			f.Host = host
		}
		ev, err := Build(f, r.Product)
		if err != nil {
			r.Log.WithError(err).Warnf("could not build the OCSF event for %s", f.Kind)
			continue
		}
		events = append(events, ev)
	}
	if err := r.Sink.Emit(events...); err != nil {
		r.Log.WithError(err).Warn("could not write OCSF events")
	}
}
