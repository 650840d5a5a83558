package casework

import (
	"context"
	"strings"

	"github.com/yushan-gov/yiwang"
)

// Tracked is what the public tracker shows of a case, read in one query:
// the case's number, item, org, applicant, mobile (to check it), channel,
// state, decision, delivery (without its address), deadline and dates —
// no materials, form, tasks or ID number —, the name of its org and the
// kind, promised days and version of the entry version it was filed under.
type Tracked struct {
	Case         Case
	OrgName      string
	EntryKind    int
	PromiseDays  int
	EntryVersion int
}

// Track is the public tracker: the case number and the applicant's name or
// mobile number must both match; anything else is "not found". The
// timeline names nobody: a phone number must not reveal a name.
func (s *Service) Track(ctx context.Context, no, nameOrMobile string) (Tracked, []Event, error) {
	notFound := yiwang.Errorf(yiwang.ENOTFOUND, "没有找到该办件，请核对办件编号和申请人姓名（或手机号）")
	t, err := s.Store.TrackCase(ctx, strings.TrimSpace(no))
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Tracked{}, nil, notFound
	} else if err != nil {
		return Tracked{}, nil, err
	}
	v := strings.TrimSpace(nameOrMobile)
	if v == "" || (v != t.Case.Applicant && v != t.Case.Mobile) {
		return Tracked{}, nil, notFound
	}
	evs, err := s.Store.TrackEvents(ctx, t.Case.ID)
	return t, evs, err
}
