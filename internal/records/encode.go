package records

import (
	"github.com/oshim/oshim/internal/jsonwrite"
)

// MarshalJSON writes the record as encoding/json would from its struct tags, without
// the reflection that costs every container start more than the rest of its record
// (TestRecordEncoding holds the two together).
func (c *Container) MarshalJSON() ([]byte, error) {
	w := jsonwrite.New(2048)
	w.Open()
	w.Str("id", c.ID)
	w.StrOmit("runtimeRoot", c.Root)
	w.Str("bundle", c.Bundle)
	w.Str("arg0", c.Arg0)
	w.Key("pod")
	w.Open()
	w.StrOmit("namespace", c.Pod.Namespace)
	w.StrOmit("pod", c.Pod.Pod)
	w.StrOmit("podUID", c.Pod.PodUID)
	w.StrOmit("container", c.Pod.Container)
	w.StrOmit("image", c.Pod.Image)
	w.Close()
	w.Int("uid", int64(c.UID))
	w.Str("contract", c.Contract)
	w.Str("bounding", c.Bounding)
	w.Str("onSkew", c.OnSkew)
	w.Str("skew", c.Skew)
	w.Str("repair", c.Repair)
	w.BoolOmit("noNewPrivs", c.NoNewPrivs)
	w.BoolOmit("setNoNewPrivs", c.SetNoNewPrivs)
	w.BoolOmit("lent", c.Lent)
	w.Key("specBefore")
	w.StringLists(c.Before)
	w.Key("specAfter")
	w.StringLists(c.After)
	w.Key("mainProcess")
	w.StringLists(c.Main)
	w.Str("runtime", c.Runtime)
	w.StrOmit("runtimeVersion", c.RuntimeVersion)
	w.Time("created", c.Created)
	w.Bool("init", c.Init)
	if m := c.Result; m != nil {
		w.Key("result")
		w.Open()
		w.Bool("ok", m.OK)
		w.Str("summary", m.Summary)
		w.StrOmit("step", m.Step)
		w.IntOmit("errno", int64(m.Errno))
		w.StrOmit("message", m.Message)
		w.Str("probe", m.Probe)
		w.Key("state")
		w.StringLists(m.State)
		w.Bool("noNewPrivs", m.NoNewPrivs)
		w.Int("seccomp", int64(m.Seccomp))
		w.StrOmit("lsm", m.LSM)
		w.BoolOmit("reportOnly", m.ReportOnly)
		w.Time("received", m.Received)
		w.Close()
	}
	w.Close()
	return w.Bytes()
}
