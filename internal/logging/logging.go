// Package logging sends oshim's messages where operators look: the engine's --log file
// in its --log-format, as runc writes it (engines build their error messages from it),
// and errors to stderr. Nothing ever goes to stdout: containerd's shim reads it.
package logging

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/oshim/oshim/internal/smallfile"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// Options are the runtime's global logging flags.
type Options struct {
	File   string
	Format string
	Level  string
	Debug  bool
}

// New returns a logger for these options, and a function that closes its file.
// Logrus reports a hook's failure on stderr itself, so a broken log file never hides
// an error.
func New(o Options) (*logrus.Logger, func(), error) {
	l := logrus.New()
	// Every message goes out through the hooks below, each with its own formatter; the
	// logger's own output is discarded, so its formatter must not spend time on it.
	l.SetOutput(io.Discard)
	l.SetFormatter(discardFormatter{})
	l.SetLevel(logrus.InfoLevel)
	if o.Level != "" {
		lvl, err := logrus.ParseLevel(o.Level)
		if err != nil {
			return nil, nil, fmt.Errorf("--log-level %q: %w", o.Level, err)
		}
		l.SetLevel(lvl)
	}
	if o.Debug {
		l.SetLevel(logrus.DebugLevel)
	}
	var formatter logrus.Formatter = &logrus.TextFormatter{DisableColors: true, FullTimestamp: true}
	switch o.Format {
	case "", "text":
	case "json":
		formatter = &logrus.JSONFormatter{}
	default:
		return nil, nil, fmt.Errorf("--log-format %q: want text or json", o.Format)
	}
	closeFn := func() {}
	if o.File != "" {
		lf := &lazyFile{path: o.File}
		l.AddHook(&writerHook{w: lf, formatter: formatter, levels: logrus.AllLevels})
		closeFn = lf.close
	}
	// Only errors reach stderr: for `run` the runtime's stderr is the container's.
	l.AddHook(&writerHook{w: os.Stderr, formatter: &plainFormatter{}, levels: []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel}})
	return l, closeFn, nil
}

type writerHook struct {
	w         io.Writer
	formatter logrus.Formatter
	levels    []logrus.Level
}

func (h *writerHook) Levels() []logrus.Level { return h.levels }

func (h *writerHook) Fire(e *logrus.Entry) error {
	b, err := h.formatter.Format(e)
	if err != nil {
		return err
	}
	_, err = h.w.Write(b)
	return err
}

// discardFormatter formats nothing, for output that is discarded.
type discardFormatter struct{}

func (discardFormatter) Format(*logrus.Entry) ([]byte, error) { return nil, nil }

// plainFormatter writes "oshim: message" the way command-line tools report errors.
type plainFormatter struct{}

func (plainFormatter) Format(e *logrus.Entry) ([]byte, error) {
	return []byte("oshim: " + e.Message + "\n"), nil
}

// lazyFile opens the log file on the first message: most calls log nothing, and a log
// file that cannot be opened must not stop a call the runtime would handle. It writes
// through a plain descriptor: an os.File would set up Go's network poller for it.
type lazyFile struct {
	path   string
	opened bool
	fd     int
	err    error
}

func (l *lazyFile) Write(b []byte) (int, error) {
	if !l.opened {
		l.opened = true
		if l.fd, l.err = unix.Open(l.path, unix.O_CREAT|unix.O_WRONLY|unix.O_APPEND|unix.O_CLOEXEC, 0o644); l.err != nil {
			l.err = &fs.PathError{Op: "open", Path: l.path, Err: l.err}
		}
	}
	if l.err != nil {
		return 0, l.err
	}
	if err := smallfile.WriteAll(l.fd, b); err != nil {
		return 0, &fs.PathError{Op: "write", Path: l.path, Err: err}
	}
	return len(b), nil
}

func (l *lazyFile) close() {
	if l.opened && l.err == nil {
		unix.Close(l.fd)
	}
}
