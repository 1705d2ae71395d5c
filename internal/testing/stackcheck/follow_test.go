package stackcheck

import (
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/metrics"
)

// followResources are the resources of "follow a CMS": all of them exist
// only with a SourceFeedURL.
var followResources = []string{"FollowFunction", "FollowState", "FollowLogGroup",
	"FollowErrorsAlarm", "FollowThrottlesAlarm", "FollowDurationAlarm", "FollowImportFailedAlarm"}

// TestFollow: the follow function is optional (SourceFeedURL empty by
// default: no resources), runs on a rate schedule, reads the feed and
// parameter the template gives it, keeps its state in its own String
// parameter and may touch that parameter only, and has an alarm on the
// items it could not import.
func TestFollow(t *testing.T) {
	tp := template(t)
	all := tp.Resources("")
	for _, id := range followResources {
		r := all[id]
		if r == nil {
			t.Errorf("no resource %s", id)
			continue
		}
		if got := String(r, "Condition"); got != "FollowSourceFeed" {
			t.Errorf("%s: Condition %q, want FollowSourceFeed", id, got)
		}
	}
	for id := range all {
		if strings.HasPrefix(id, "Follow") && !slices.Contains(followResources, id) {
			t.Errorf("%s is not in followResources (checked for its Condition)", id)
		}
	}
	if got := String(tp, "Parameters", "SourceFeedURL", "Default"); got != "" {
		t.Errorf("SourceFeedURL default %q, want empty (no follow function)", got)
	}
	if got := Refs(Must(Get(tp, "Conditions", "FollowSourceFeed", "Fn::Not", 0, "Fn::Equals"))); !slices.Equal(got, []string{"SourceFeedURL"}) {
		t.Errorf("FollowSourceFeed refers to %v, want !Not [!Equals [!Ref SourceFeedURL, \"\"]]", got)
	}

	fn := all["FollowFunction"]
	ev, _ := Get(fn, "Properties", "Events", "Every")
	if String(ev, "Type") != "Schedule" {
		t.Errorf("schedule event type %q, want Schedule (an EventBridge rule, events/follow-scheduled.json)", String(ev, "Type"))
	}
	if got := String(ev, "Properties", "Schedule", "Fn::Sub"); got != "rate(${FollowEveryMinutes} minutes)" {
		t.Errorf("schedule %q, want rate(${FollowEveryMinutes} minutes)", got)
	}
	if v, _ := Get(tp, "Parameters", "FollowEveryMinutes", "MinValue"); v != int64(2) {
		t.Errorf("FollowEveryMinutes MinValue %v, want 2 (\"rate(1 minutes)\" is no valid expression)", v)
	}
	env, _ := Get(fn, "Properties", "Environment", "Variables")
	if got := Refs(Must(Get(env, "SOURCE_FEED_URL"))); !slices.Equal(got, []string{"SourceFeedURL"}) {
		t.Errorf("SOURCE_FEED_URL = %v, want !Ref SourceFeedURL", got)
	}
	if got := Refs(Must(Get(env, "FOLLOW_STATE_PARAMETER"))); !slices.Equal(got, []string{"FollowState"}) {
		t.Errorf("FOLLOW_STATE_PARAMETER = %v, want !Ref FollowState (its name)", got)
	}

	state := all["FollowState"]
	if String(state, "Type") != "AWS::SSM::Parameter" || String(state, "Properties", "Type") != "String" ||
		String(state, "Properties", "Value") != "{}" {
		t.Errorf("FollowState = %v, want a String parameter starting as {}", state)
	}
	if name := String(state, "Properties", "Name", "Fn::Sub"); !strings.HasPrefix(name, "/") {
		t.Errorf("FollowState name %q must start with / (config.Load requires it)", name)
	}
	ssm := 0
	for _, st := range statements(t, tp, "FollowFunction", fn) {
		for _, a := range strs(st["Action"]) {
			if !strings.HasPrefix(a, "ssm:") {
				continue
			}
			ssm++
			r := String(st, "Resource", "Fn::Sub")
			if !strings.HasSuffix(r, ":parameter${FollowState}") || strings.Contains(r, "*") {
				t.Errorf("%s on %q, want the FollowState parameter only", a, r)
			}
		}
	}
	if ssm != 2 {
		t.Errorf("%d ssm actions, want GetParameter and PutParameter", ssm)
	}

	a := alarm(t, tp, "FollowImportFailedAlarm")
	ns, m, dims := metric(a)
	if ns != metrics.Namespace || m != metrics.ImportFailed || !slices.Equal(dims["Service"], []string{"follow"}) {
		t.Errorf("FollowImportFailedAlarm watches %s %s %v, want %s %s by Service=follow", ns, m, dims, metrics.Namespace, metrics.ImportFailed)
	}
}
