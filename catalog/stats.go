package catalog

import "context"

// Stats are the catalog figures supervision reports (definitions on the
// portal's home page, next to the figures): counts over published entries.
type Stats struct {
	Items         int     `json:"items"`
	Online        int     `json:"online"`       // depth reaches 4 互联网受理
	FullyOnline   int     `json:"fully_online"` // depth 4, 5 and 6, no visit
	Instant       int     `json:"instant"`      // 即办件
	AtMostOne     int     `json:"at_most_one_visit"`
	ZeroVisits    int     `json:"zero_visits"`
	LegalDays     int     `json:"legal_days"`   // Σ 法定时限 over entries with one
	PromiseDays   int     `json:"promise_days"` // Σ 承诺时限 over the same entries
	OnlineRate    float64 `json:"online_rate"`  // 网上可办率
	FullyRate     float64 `json:"fully_online_rate"`
	InstantRate   float64 `json:"instant_rate"`
	AtMostOneRate float64 `json:"at_most_one_visit_rate"`
	ZeroRate      float64 `json:"zero_visit_rate"`
	Compression   float64 `json:"compression"` // 承诺时限压缩比 = (Σ法定 − Σ承诺) ÷ Σ法定
}

// Statistics computes Stats over the published entries that match f (by
// org and level; zero values select all).
func (s *Service) Statistics(ctx context.Context, orgID string, level int) (Stats, error) {
	idx, err := s.published(ctx)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	for _, e := range idx.entries {
		if (orgID != "" && e.OrgID != orgID) || (level != 0 && e.Level != level) {
			continue
		}
		st.Items++
		if e.Online {
			st.Online++
		}
		if e.FullyOnline {
			st.FullyOnline++
		}
		if e.Kind == 1 {
			st.Instant++
		}
		if e.Visits <= 1 {
			st.AtMostOne++
		}
		if e.Visits == 0 {
			st.ZeroVisits++
		}
		if e.LegalDays > 0 {
			st.LegalDays += e.LegalDays
			st.PromiseDays += e.PromiseDays
		}
	}
	rate := func(n int) float64 {
		if st.Items == 0 {
			return 0
		}
		return float64(n) / float64(st.Items)
	}
	st.OnlineRate, st.FullyRate, st.InstantRate = rate(st.Online), rate(st.FullyOnline), rate(st.Instant)
	st.AtMostOneRate, st.ZeroRate = rate(st.AtMostOne), rate(st.ZeroVisits)
	if st.LegalDays > 0 {
		st.Compression = float64(st.LegalDays-st.PromiseDays) / float64(st.LegalDays)
	}
	return st, nil
}
