// Command floor is the cheapest Go runtime wrapper there is: it execs the runtime named
// by FLOOR_RUNTIME with its own arguments. The benchmark runs it to tell what any Go
// wrapper pays to start from what oshim adds on top.
package main

import (
	"os"
	"syscall"
)

func main() {
	rt := os.Getenv("FLOOR_RUNTIME")
	err := syscall.Exec(rt, append([]string{rt}, os.Args[1:]...), os.Environ())
	os.Stderr.WriteString("floor: exec " + rt + ": " + err.Error() + "\n")
	os.Exit(127)
}
