package ocsf

import (
	"errors"
	"fmt"
)

// Defaults for Sink.
const (
	DefaultPath           = "/var/log/oshim/ocsf.jsonl"
	DefaultMaxBytes int64 = 10 << 20
)

// Sink writes OCSF events, one JSON object per line, to a file and optionally to
// syslog (journald reads syslog too). Many oshim processes write the same file at once:
// each event is one write(2) to an O_APPEND descriptor, and a flock on the file
// serializes the size check, the rotation and the write.
type Sink struct {
	// Path is the JSONL file; empty writes no file.
	Path string
	// MaxBytes caps the file: an event that would take it past the cap first moves it
	// to Path+".1", replacing the previous one. 0 means DefaultMaxBytes.
	MaxBytes int64
	// Syslog also sends each event, as its JSON text, to syslog with facility daemon
	// and tag "oshim", at a priority that follows the event's severity.
	Syslog bool
	// SyslogSocket is the local syslog daemon's unix socket; "" tries /dev/log,
	// /var/run/syslog and /var/run/log.
	SyslogSocket string
}

// Emit writes the events. A failure of the file or of syslog does not stop the other;
// the error then names each failure.
func (s Sink) Emit(events ...*Event) error {
	lines := make([][]byte, len(events))
	for i, ev := range events {
		if ev == nil {
			return fmt.Errorf("emit OCSF events: event %d is nil", i)
		}
		b, err := ev.line()
		if err != nil {
			return err
		}
		lines[i] = b
	}
	if len(lines) == 0 {
		return nil
	}
	var errs []error
	if s.Path != "" {
		limit := s.MaxBytes
		if limit <= 0 {
			limit = DefaultMaxBytes
		}
		if err := ocsfAppend(s.Path, limit, lines); err != nil {
			errs = append(errs, err)
		}
	}
	if s.Syslog {
		if err := s.sendSyslog(events, lines); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
