package demo

// Basis is one 设定依据 of a demo item.
type Basis struct{ Law, Article, Text string }

// MaterialSpec is one 申请材料 row of a demo item.
type MaterialSpec struct {
	Name      string   // exact document name; never a vague "其他材料"
	Forms     []string // any of "原件", "复印件", "电子"
	Copies    int      // copies of 复印件
	Required  bool     // false = conditional: Condition says when
	Condition string   // the exact situation, e.g. "委托他人办理的"
	Source    string   // "applicant" | "department" | "license"
	License   string   // for Source "license": the license type, e.g. "营业执照"
	Tolerance bool     // 容缺受理 allowed
	Promise   bool     // 告知承诺 may replace it
	Note      string   // 填写说明 / where to obtain it
}

// StepSpec is one 办理流程 step.
type StepSpec struct {
	Name string
	Days int
}

// FeeSpec is one 收费项目.
type FeeSpec struct {
	Name  string
	Fen   int64
	Basis string
}

// ItemSpec is one demo 事项 with the facts of its 实施清单.
type ItemSpec struct {
	BaseCode     string   // 12 digits: "34" + type + 8 digits; demo codes, not the official ones
	Name         string   // official item name
	Aliases      []string // words people search with
	Type         string   // GB/T 39046 A.1
	Objects      []string // A.4
	Themes       []string // catalog.Themes codes
	Basis        []Basis
	Org          string // DemoOrgs key; "township" = every 乡镇/街道/开发区, "village" = every 村/社区
	Level        int    // 4, 5 or 6
	Rural        bool   // township/village items only 镇/乡 and 村 deliver (not 街道, 社区)
	LegalDays    int
	PromiseDays  int
	Kind         int   // 1 即办件, 2 承诺件
	Depth        []int // 1..7
	Forms        []int // 1 窗口, 2 网上, 3 移动端, 4 快递
	Visits       int
	Conditions   []string
	Materials    []MaterialSpec
	Steps        []StepSpec
	Joint        map[string][]string // step name → DemoOrgs keys of the departments that review it in parallel
	StepKinds    map[string]string   // step name → catalog.Step* where the name does not say it
	ResultName   string
	ResultKind   string // "elicense" | "certificate" | "approval" | "none"
	Fees         []FeeSpec
	Intermediary []string
	FAQs         [][2]string
	Source       string // where the facts come from (URL or document)
}
