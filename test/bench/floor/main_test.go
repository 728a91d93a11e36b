package main

import (
	"testing"

	"github.com/oshim/oshim/test/harness"
)

// envAsMain makes the test binary run main: floor only works as its own process.
const envAsMain = "FLOOR_TEST_AS_MAIN"

func TestMain(m *testing.M) { harness.MainOrTests(m, envAsMain, main) }

func TestFloor(t *testing.T) { harness.CheckFloorExec(t, envAsMain, "floor") }
