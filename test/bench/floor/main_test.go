package main

import (
	"os"
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// envAsMain makes the test binary run main: floor only works as its own process.
const envAsMain = "FLOOR_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envAsMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}

func TestFloor(t *testing.T) { harness.CheckFloorExec(t, envAsMain, "floor") }
