package audit

import (
	"context"
	"errors"
	"fmt"
)

// Report is the outcome of Verify.
type Report struct {
	Entries int64
	// BrokenAt is the sequence number of the first entry that does not fit the
	// chain, 0 when the chain holds.
	BrokenAt int64
	Problem  string
}

// OK reports whether the chain holds.
func (r Report) OK() bool { return r.Problem == "" }

func (r Report) String() string {
	if r.OK() {
		return fmt.Sprintf("审计日志完整：共 %d 条记录，哈希链校验通过。", r.Entries)
	}
	return fmt.Sprintf("审计日志被破坏：第 %d 条记录处断链（%s）。", r.BrokenAt, r.Problem)
}

var errStop = errors.New("stop")

// Verify walks the whole log and checks every link: sequence numbers without
// gaps, each record's previous hash equal to the hash of the record before,
// each record's own hash, and the head pointing at the last record (so a cut
// tail is found too). It returns an error only when the log cannot be read.
func Verify(ctx context.Context, s Store) (Report, error) {
	var r Report
	var prevSeq int64
	prevHash := ""
	headSeq, headHash, err := s.WalkAudit(ctx, func(e Entry) error {
		switch {
		case e.Seq != prevSeq+1:
			r.BrokenAt, r.Problem = prevSeq+1, fmt.Sprintf("缺少记录：期望序号 %d，实际为 %d", prevSeq+1, e.Seq)
		case e.PrevHash != prevHash:
			r.BrokenAt, r.Problem = e.Seq, "前一条记录的哈希不符，前一条记录被修改或删除"
		case Sum(&e) != e.Hash:
			r.BrokenAt, r.Problem = e.Seq, "本条记录的内容与其哈希不符，记录被修改"
		}
		if r.Problem != "" {
			return errStop
		}
		r.Entries++
		prevSeq, prevHash = e.Seq, e.Hash
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return r, fmt.Errorf("walk audit log: %w", err)
	}
	if r.Problem == "" && (headSeq != prevSeq || headHash != prevHash) {
		r.BrokenAt, r.Problem = prevSeq+1, fmt.Sprintf("链头指向第 %d 条记录，但日志只到第 %d 条，末尾记录被删除", headSeq, prevSeq)
	}
	return r, nil
}
