package caps

import (
	"errors"
	"fmt"
)

// ErrInvalidTarget is returned, wrapped, by Transition for a target the kernel
// would refuse part-way; it is checked before any capability changes.
var ErrInvalidTarget = errors.New("invalid capability target")

// checkTarget rejects targets that could only fail after Transition had already
// dropped bounding caps: capset can never add to P, nothing can add to B, E must
// lie within P, and an ambient cap must be both permitted and inheritable.
// Inheritable problems need no check here: step 1 is the first change and the
// kernel refuses it whole.
func checkTarget(cur, target State) error {
	if extra := target.Permitted.Minus(cur.Permitted); !extra.IsEmpty() {
		return fmt.Errorf("%w: permitted set would gain %s", ErrInvalidTarget, extra)
	}
	if extra := target.Bounding.Minus(cur.Bounding); !extra.IsEmpty() {
		return fmt.Errorf("%w: bounding set would gain %s", ErrInvalidTarget, extra)
	}
	if extra := target.Effective.Minus(target.Permitted); !extra.IsEmpty() {
		return fmt.Errorf("%w: effective %s not in permitted set", ErrInvalidTarget, extra)
	}
	if extra := target.Ambient.Minus(target.Permitted.Intersect(target.Inheritable)); !extra.IsEmpty() {
		return fmt.Errorf("%w: ambient %s not both permitted and inheritable", ErrInvalidTarget, extra)
	}
	return nil
}
