package report

import (
	"bytes"
	"fmt"
	"log/syslog"
)

// sendSyslog sends each event's JSON line, without its newline, as one syslog message.
func (s Sink) sendSyslog(events []*OCSFEvent, lines [][]byte) error {
	w, err := syslog.Dial(s.SyslogNetwork, s.SyslogAddr, syslog.LOG_DAEMON|syslog.LOG_NOTICE, "oshim")
	if err != nil {
		return fmt.Errorf("connect to syslog: %w", err)
	}
	defer w.Close()
	for i, ev := range events {
		msg := string(bytes.TrimSuffix(lines[i], []byte("\n")))
		if err := ocsfSyslogWrite(w, ev.SeverityID, msg); err != nil {
			return fmt.Errorf("send OCSF event %s to syslog: %w", ev.Metadata.UID, err)
		}
	}
	return nil
}

// ocsfSyslogWrite maps severity_id to a syslog level: Informational is info, Low is
// notice, Medium is warning, High and above is err.
func ocsfSyslogWrite(w *syslog.Writer, sev ocsfSeverity, msg string) error {
	switch {
	case sev <= ocsfSevInformational:
		return w.Info(msg)
	case sev == ocsfSevLow:
		return w.Notice(msg)
	case sev == ocsfSevMedium:
		return w.Warning(msg)
	default:
		return w.Err(msg)
	}
}
