package records

import (
	"strconv"

	"github.com/oshim/oshim/internal/jsonread"
)

// UnmarshalJSON reads a record as encoding/json would from its struct tags, for the
// records oshim writes (keys exactly as MarshalJSON spells them), without the
// reflection that cost every start and exec of a contracted container more than the
// rest of reading its record (TestRecordDecoding and FuzzRecordEncoding hold the two
// together).
func (c *Container) UnmarshalJSON(b []byte) error {
	r := jsonread.New(b)
	var out Container
	r.Object(func(k string) {
		switch k {
		case "id":
			out.ID = r.String()
		case "runtimeRoot":
			out.Root = r.String()
		case "bundle":
			out.Bundle = r.String()
		case "pidFile":
			out.PidFile = r.String()
		case "arg0":
			out.Arg0 = r.String()
		case "pod":
			r.Object(func(k string) {
				switch k {
				case "namespace":
					out.Pod.Namespace = r.String()
				case "pod":
					out.Pod.Pod = r.String()
				case "podUID":
					out.Pod.PodUID = r.String()
				case "container":
					out.Pod.Container = r.String()
				case "image":
					out.Pod.Image = r.String()
				default:
					r.Skip()
				}
			})
		case "uid":
			out.UID = uint32(r.Uint(32))
		case "contract":
			out.Contract = r.String()
		case "bounding":
			out.Bounding = r.String()
		case "onSkew":
			out.OnSkew = r.String()
		case "skew":
			out.Skew = r.String()
		case "repair":
			out.Repair = r.String()
		case "noNewPrivs":
			out.NoNewPrivs = r.Bool()
		case "setNoNewPrivs":
			out.SetNoNewPrivs = r.Bool()
		case "lent":
			out.Lent = r.Bool()
		case "specBefore":
			out.Before = r.StringLists()
		case "specAfter":
			out.After = r.StringLists()
		case "mainProcess":
			out.Main = r.StringLists()
		case "runtime":
			out.Runtime = r.String()
		case "runtimeVersion":
			out.RuntimeVersion = r.String()
		case "created":
			out.Created = r.Time()
		case "init":
			out.Init = r.Bool()
		case "result":
			out.Result = readMeasured(r)
		default:
			r.Skip()
		}
	})
	if err := r.Err(); err != nil {
		return err
	}
	*c = out
	return nil
}

// readMeasured reads a record's result; null is nil.
func readMeasured(r *jsonread.Reader) *Measured {
	if r.Null() {
		return nil
	}
	m := &Measured{}
	r.Object(func(k string) {
		switch k {
		case "ok":
			m.OK = r.Bool()
		case "summary":
			m.Summary = r.String()
		case "step":
			m.Step = r.String()
		case "errno":
			m.Errno = int(r.Int(strconv.IntSize))
		case "message":
			m.Message = r.String()
		case "probe":
			m.Probe = r.String()
		case "state":
			m.State = r.StringLists()
		case "noNewPrivs":
			m.NoNewPrivs = r.Bool()
		case "seccomp":
			m.Seccomp = int(r.Int(strconv.IntSize))
		case "lsm":
			m.LSM = r.String()
		case "reportOnly":
			m.ReportOnly = r.Bool()
		case "received":
			m.Received = r.Time()
		default:
			r.Skip()
		}
	})
	return m
}
