// Package report records what oshim found and changed: annotations in the spec, a
// per-container record, and security findings.
package report

// Annotations oshim writes into config.json. A container's own annotations with these
// keys are overwritten, so a pod cannot forge a record.
const (
	// AnnotationSkew is "missing=CAP_A,CAP_B" or "none".
	AnnotationSkew = "io.oshim.skew"
	// AnnotationRepair says what the rewrite changed, or "none".
	AnnotationRepair = "io.oshim.repair"
	// AnnotationResult is the init's measured outcome, added to `oshim state` output.
	AnnotationResult = "io.oshim.result"
)
