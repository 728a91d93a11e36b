// Package procfile reads an exec call's process file however the engine hands it over
// (a regular file, a named pipe, a shell's /dev/fd/N), and hands the runtime a private,
// sealed copy of the process oshim checked. The runtime then reads exactly what oshim
// capped: nobody can change it between the two reads, and the engine's own file is
// never rewritten.
package procfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/spec"
)

// ReadTimeout bounds how long a process file that is a pipe may take to arrive.
const ReadTimeout = 10 * time.Second

// Read reads the process file at path: a regular file or a pipe (named, or a shell's
// /dev/fd/N), at most spec.MaxSize bytes, a pipe within ReadTimeout. Directories,
// devices and sockets are refused before they are opened.
func Read(path string) (*spec.Object, error) {
	data, err := read(path)
	if err != nil {
		return nil, fmt.Errorf("read process file %s: %w", path, err)
	}
	o, err := spec.ParseObject(data)
	if err != nil {
		return nil, fmt.Errorf("parse process file %s: %w", path, err)
	}
	return o, nil
}

func read(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, unwrap(err)
	}
	if err := check(info); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(ReadTimeout)
	f, err := open(path, info, deadline)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, unwrap(err)
	}
	if err := check(info); err != nil {
		return nil, err
	}
	if info.Mode()&fs.ModeNamedPipe != 0 {
		if err := f.SetReadDeadline(deadline); err != nil {
			return nil, err
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, spec.MaxSize+1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, fmt.Errorf("the pipe sent no complete process within %v", ReadTimeout)
	}
	if err != nil {
		return nil, unwrap(err)
	}
	if len(data) > spec.MaxSize {
		return nil, fmt.Errorf("larger than the limit of %d bytes", spec.MaxSize)
	}
	return data, nil
}

// open opens a regular file non-blocking (a FIFO swapped in after the Stat cannot hang
// it, and fails the second check), and a pipe blocking until its writer is there, as
// the runtime's own open would, but no later than deadline.
func open(path string, info fs.FileInfo, deadline time.Time) (*os.File, error) {
	if info.Mode()&fs.ModeNamedPipe == 0 {
		f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		return f, unwrap(err)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, unwrap(o.err)
	case <-time.After(time.Until(deadline)):
		// The open stays blocked in its goroutine; oshim exits right after this error.
		return nil, fmt.Errorf("no writer opened the pipe within %v", ReadTimeout)
	}
}

func check(info fs.FileInfo) error {
	mode := info.Mode()
	switch {
	case mode.IsRegular(), mode&fs.ModeNamedPipe != 0:
		return nil
	case mode.IsDir():
		return errors.New("is a directory, want a process file (a regular file or a pipe)")
	case mode&fs.ModeSocket != 0:
		return errors.New("is a socket, want a process file (a regular file or a pipe)")
	case mode&fs.ModeDevice != 0:
		return errors.New("is a device, want a process file (a regular file or a pipe)")
	}
	return fmt.Errorf("is %v, want a process file (a regular file or a pipe)", mode.Type())
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Hand writes o into a sealed memory file open at a descriptor of at least minFD that
// survives exec, and returns the path the runtime opens it by (/proc/self/fd/N, which
// names the runtime's own descriptor once oshim has exec'd it). minFD must be above
// every descriptor the runtime passes on to the process (3 + --preserve-fds and
// LISTEN_FDS): the runtime closes the rest before the process starts.
func Hand(o *spec.Object, minFD int) (string, error) {
	b, err := o.Marshal()
	if err != nil {
		return "", fmt.Errorf("encode the process: %w", err)
	}
	fd, err := unix.MemfdCreate("oshim-process.json", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return "", fmt.Errorf("memfd_create: %w", err)
	}
	defer unix.Close(fd)
	for off := 0; off < len(b); {
		n, err := unix.Write(fd, b[off:])
		if err != nil {
			return "", fmt.Errorf("write the process: %w", err)
		}
		off += n
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SEAL|unix.F_SEAL_WRITE|unix.F_SEAL_GROW|unix.F_SEAL_SHRINK); err != nil {
		return "", fmt.Errorf("seal the process: %w", err)
	}
	if _, err := unix.Seek(fd, 0, io.SeekStart); err != nil {
		return "", fmt.Errorf("rewind the process: %w", err)
	}
	// F_DUPFD, not F_DUPFD_CLOEXEC: the copy must survive oshim's exec of the runtime.
	kept, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD, minFD)
	if err != nil {
		return "", fmt.Errorf("move the process to a descriptor from %d: %w", minFD, err)
	}
	return fmt.Sprintf("/proc/self/fd/%d", kept), nil
}
