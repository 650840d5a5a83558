package inspect_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/inspect"
)

// TestHasPersonalData: the public column refuses ID and mobile numbers
// however they are written, and lets ordinary figures and dates through.
func TestHasPersonalData(t *testing.T) {
	for _, text := range []string{
		"申请人 11010519491231002X 的办件", "电话13800138000", "联系电话：138 0013 8000", "+8613800138000",
		"+86-138-0013-8000", "手机１３８００１３８０００", "身份证１１０１０５１９４９１２３１００２ｘ", "138　0013　8000",
	} {
		if !inspect.HasPersonalData(text) {
			t.Errorf("%q passes as free of personal data", text)
		}
	}
	for _, text := range []string{
		"2026-03-09 受理，超过承诺时限2个工作日办结", "办件编号 11340504MB504009504340100090020202603090001 超时",
		"共抽查 12 件，合格率 91.7%", "12345热线投诉答复超期",
	} {
		if inspect.HasPersonalData(text) {
			t.Errorf("%q refused as personal data", text)
		}
	}
}
