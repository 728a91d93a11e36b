package wrapper

import (
	"github.com/oshim/oshim/internal/findings"
	"github.com/oshim/oshim/internal/report"
)

// findings reports on this call's container to the config's OCSF sink.
func (w *Wrapper) findings() findings.Reporter {
	return findings.Reporter{
		Sink: w.Config.OCSFSink(w.rootful), Product: report.OshimProduct(w.Version), Log: w.Log,
		ContainerID: w.Inv.ID, Bundle: w.Inv.Bundle,
	}
}
