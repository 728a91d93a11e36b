// Command oshim-nodelabel sets or removes a label of a Kubernetes node with the pod's
// service account. The node installer uses it to offer a node to oshim pods (through
// the RuntimeClass's nodeSelector) once oshim works there, and to withdraw it first at
// cleanup.
//
//	oshim-nodelabel set NODE KEY=VALUE
//	oshim-nodelabel remove NODE KEY
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/nodelabel"
)

const usage = "usage: oshim-nodelabel set NODE KEY=VALUE | remove NODE KEY"

func main() {
	logrus.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	if err := run(os.Args[1:]); err != nil {
		logrus.Error(err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("%d arguments: %s", len(args), usage)
	}
	verb, node, label := args[0], args[1], args[2]
	key, value, hasValue := strings.Cut(label, "=")
	switch {
	case verb == "set" && !hasValue:
		return fmt.Errorf("set %s: want KEY=VALUE: %s", label, usage)
	case verb == "remove" && hasValue:
		return fmt.Errorf("remove %s: want KEY: %s", label, usage)
	case verb != "set" && verb != "remove":
		return fmt.Errorf("unknown verb %q: %s", verb, usage)
	}
	c, err := nodelabel.InCluster(nodelabel.ServiceAccountDir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if verb == "remove" {
		if err := c.Remove(ctx, node, key); err != nil {
			return err
		}
		logrus.Infof("node %s: label %s removed", node, key)
		return nil
	}
	if err := c.Set(ctx, node, key, value); err != nil {
		return err
	}
	logrus.Infof("node %s: label %s=%s set", node, key, value)
	return nil
}
