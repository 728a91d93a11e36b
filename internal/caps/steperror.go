package caps

// Steps of Transition, as reported in StepError.Step.
const (
	StepReadState        = "read-state"
	StepRaiseInheritable = "raise-inheritable"
	StepDropBounding     = "drop-bounding"
	StepCapset           = "capset"
	StepAmbientLower     = "ambient-lower"
	StepAmbientRaise     = "ambient-raise"
)

// noCap marks a StepError whose step is not about one capability.
const noCap Cap = -1

// StepError reports the Transition step the kernel refused. Transition stops
// at the first refusal, so the thread holds the result of the earlier steps.
type StepError struct {
	Step string // one of the Step* constants
	Cap  Cap    // the capability being dropped, lowered or raised; -1 if none
	Err  error  // usually a unix.Errno
}

// Error returns e.g. "drop-bounding CAP_SYS_ADMIN: operation not permitted".
func (e *StepError) Error() string {
	if e.Cap == noCap {
		return e.Step + ": " + e.Err.Error()
	}
	return e.Step + " " + e.Cap.String() + ": " + e.Err.Error()
}

// Unwrap returns the kernel's error, so errors.Is(err, unix.EPERM) works.
func (e *StepError) Unwrap() error {
	return e.Err
}
