// Command floorlibs is the floor (test/bench/floor) linking the libraries every oshim
// call links: every package from outside the standard library that oshim links, and
// the standard library's encoding/json and fmt. Go initialises each linked
// package before main, and keeps of a library what a reachable call needs, so
// floorlibs reaches one call into each on a path the benchmark never takes. What it
// costs over the floor is what those libraries cost any Go program that links them;
// what oshim costs over floorlibs comes with oshim's own code.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

func main() {
	rt := os.Getenv("FLOOR_RUNTIME")
	if rt == "" {
		os.Exit(unset(os.Stdin, os.Stderr))
	}
	err := syscall.Exec(rt, append([]string{rt}, os.Args[1:]...), os.Environ())
	os.Stderr.WriteString("floorlibs: exec " + rt + ": " + err.Error() + "\n")
	os.Exit(127)
}

// unset reports, as a JSON log line, that FLOOR_RUNTIME is missing, with what a
// config.json on stdin says: the calls that keep each library linked.
func unset(stdin io.Reader, stderr io.Writer) int {
	log := logrus.New()
	log.SetOutput(stderr)
	log.SetFormatter(&logrus.JSONFormatter{DisableTimestamp: true})
	var s specs.Spec
	if err := json.NewDecoder(stdin).Decode(&s); err != nil && err != io.EOF {
		log.WithError(err).Error("read config.json from stdin")
	}
	root := "/"
	if s.Root != nil {
		root = s.Root.Path
	}
	dev, err := securejoin.SecureJoin(root, "/dev")
	if err != nil {
		log.WithError(err).Error("resolve /dev")
	}
	log.Error(fmt.Sprintf("FLOOR_RUNTIME is not set (uid %d; config.json on stdin: ociVersion %q, /dev at %s)", unix.Geteuid(), s.Version, dev))
	return 2
}
