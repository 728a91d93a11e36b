package ocsf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// syslogSockets are where a local syslog daemon listens, in the order log/syslog tries
// them; journald serves the first.
var syslogSockets = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}

// Syslog facility and levels (RFC 5424 numbers; log/syslog's constants). oshim talks
// to the local daemon itself instead of through log/syslog, whose import brings the
// net packages and their initialisation into every oshim call.
const (
	syslogDaemon  = 3 << 3
	syslogErr     = 3
	syslogWarning = 4
	syslogNotice  = 5
	syslogInfo    = 6
)

// sendSyslog sends each event's JSON line, without its newline, as one syslog message
// with facility daemon and tag "oshim".
func (s Sink) sendSyslog(events []*Event, lines [][]byte) error {
	fd, stream, err := dialSyslog(s.SyslogSocket)
	if err != nil {
		return fmt.Errorf("connect to syslog: %w", err)
	}
	defer unix.Close(fd)
	for i, ev := range events {
		msg := syslogMessage(ev.SeverityID, time.Now(), os.Getpid(), bytes.TrimSuffix(lines[i], []byte("\n")), stream)
		if _, err := unix.Write(fd, msg); err != nil {
			return fmt.Errorf("send OCSF event %s to syslog: %w", ev.Metadata.UID, err)
		}
	}
	return nil
}

// dialSyslog connects to socket, or when it is "" to the first of syslogSockets that
// answers: a datagram socket first, a stream one (which needs a newline after each
// message) else.
func dialSyslog(socket string) (fd int, stream bool, err error) {
	paths := syslogSockets
	if socket != "" {
		paths = []string{socket}
	}
	var errs []error
	for _, p := range paths {
		for _, typ := range []int{unix.SOCK_DGRAM, unix.SOCK_STREAM} {
			fd, err := unix.Socket(unix.AF_UNIX, typ|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return -1, false, fmt.Errorf("socket: %w", err)
			}
			if err := unix.Connect(fd, &unix.SockaddrUnix{Name: p}); err != nil {
				unix.Close(fd)
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
				continue
			}
			return fd, typ == unix.SOCK_STREAM, nil
		}
	}
	return -1, false, errors.Join(errs...)
}

// syslogMessage formats msg as log/syslog does for a local daemon, which adds the host
// itself: "<PRI>Jan _2 15:04:05 oshim[PID]: MSG", with a newline on a stream socket. The
// severity follows the event's: Informational is info, Low notice, Medium warning,
// High and above err.
func syslogMessage(sev ocsfSeverity, now time.Time, pid int, msg []byte, stream bool) []byte {
	level := syslogErr
	switch {
	case sev <= ocsfSevInformational:
		level = syslogInfo
	case sev == ocsfSevLow:
		level = syslogNotice
	case sev == ocsfSevMedium:
		level = syslogWarning
	}
	b := fmt.Appendf(nil, "<%d>%s oshim[%d]: %s", syslogDaemon|level, now.Format(time.Stamp), pid, msg)
	if stream {
		b = append(b, '\n')
	}
	return b
}
