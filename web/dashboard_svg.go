package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang/kpi"
)

// Charts are drawn on the server as inline SVG: no script, no library.
// Each chart has a <title> and <desc>, and the page puts the same numbers
// in a table beside it (查看数据) for screen readers and for reading off.

// barChart draws one figure for each row as horizontal bars (long Chinese
// names read best on the left, and the chart keeps its width on a phone),
// with the target as a dashed line. Rows without data get no bar and "—".
func barChart(id string, f kpi.Figure, rows []kpi.Row, link func(kpi.Row) template.URL) template.HTML {
	const (
		labelW = 160.0
		barW   = 200.0
		valW   = 64.0
		rowH   = 28.0
		top    = 24.0
	)
	var with []kpi.Row // only the rows with something to count
	for _, r := range rows {
		if r.Counts.Value(f).OK {
			with = append(with, r)
		}
	}
	rows = with
	w := labelW + barW + valW
	h := top + rowH*float64(len(rows)) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMinYMin meet">`,
		id, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">各单位%s</title><desc id="%s-d">横向条形图，每行一个有数据的单位，条长为%s（0–100%%）`, id, html.EscapeString(f.Name), id, html.EscapeString(f.Name))
	if f.Target > 0 {
		fmt.Fprintf(&b, `，虚线为目标 %s`, html.EscapeString(kpi.TargetText(f)))
	}
	b.WriteString(`；数据见下方表格。</desc>`)
	// scale: 0, 50, 100%
	for _, p := range []float64{0, 0.5, 1} {
		x := labelW + barW*p
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d0d7de"/>`, x, top-4, x, h-8)
		fmt.Fprintf(&b, `<text x="%.1f" y="14" font-size="11" fill="#595959" text-anchor="middle">%.0f%%</text>`, x, p*100)
	}
	for i, r := range rows {
		y := top + rowH*float64(i)
		v := r.Counts.Value(f)
		name := []rune(r.Org.Name)
		label := r.Org.Name
		if len(name) > 10 {
			label = "…" + string(name[len(name)-9:]) // the end names the office: …市场监督管理局
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="14" fill="#1f1f1f" text-anchor="end">%s</text>`,
			labelW-6, y+rowH/2+5, html.EscapeString(label))
		color := "#1d5fb4"
		if f.Target > 0 && !v.Met {
			color = "#9a6700"
		}
		bw := barW * min(v.Rate, 1)
		fmt.Fprintf(&b, `<a href="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s：%s（%d/%d），查看明细</title></rect></a>`,
			html.EscapeString(string(link(r))), labelW, y+5, max(bw, 2), rowH-10, color, html.EscapeString(r.Org.Name), kpi.Percent(v.Rate), v.N, v.D)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="14" fill="#1f1f1f">%s</text>`, labelW+barW+6, y+rowH/2+5, kpi.Percent(v.Rate))
	}
	if f.Target > 0 {
		x := labelW + barW*f.Target
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c7000b" stroke-width="2" stroke-dasharray="5 3"/>`,
			x, top-4, x, h-8)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// trendSeries is one line of the trend chart.
type trendSeries struct {
	Figure kpi.Figure
	Color  string
	Dash   string
}

// trendChart draws the monthly trend of some figures as lines, 0–100%,
// each with its own colour and dash pattern (not colour alone) and a
// legend.
func trendChart(id string, points []kpi.Point, series []trendSeries) template.HTML {
	const (
		left, right, top, bottom = 40.0, 20.0, 12.0, 64.0
		w, h                     = 460.0, 260.0
	)
	pw, ph := w-left-right, h-top-bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-t %s-d">`, id, w, h, id, id)
	var names []string
	for _, s := range series {
		names = append(names, s.Figure.Name)
	}
	fmt.Fprintf(&b, `<title id="%s-t">月度趋势：%s</title><desc id="%s-d">折线图，横轴为月份，纵轴为比率（0–100%%）；无数据的月份不画点；数据见下方表格。</desc>`,
		id, html.EscapeString(strings.Join(names, "、")), id)
	for _, p := range []float64{0, 0.25, 0.5, 0.75, 1} {
		y := top + ph*(1-p)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e1e4e8"/>`, left, y, left+pw, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="#595959" text-anchor="end">%.0f%%</text>`, left-4, y+4, p*100)
	}
	n := len(points)
	xOf := func(i int) float64 {
		if n <= 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(n-1)
	}
	for i, p := range points {
		m, _ := time.Parse("2006-01", p.Period.Month)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" fill="#595959" text-anchor="middle">%d月</text>`, xOf(i), top+ph+16, int(m.Month()))
		if i == 0 || m.Month() == time.January {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="#595959" text-anchor="middle">%d年</text>`, xOf(i), top+ph+30, m.Year())
		}
	}
	for si, s := range series {
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.5" stroke-dasharray="%s" points="%s"/>`,
					s.Color, s.Dash, strings.Join(pts, " "))
			}
			pts = nil
		}
		for i, p := range points {
			v := p.Counts.Value(s.Figure)
			if !v.OK {
				flush()
				continue
			}
			x, y := xOf(i), top+ph*(1-min(v.Rate, 1))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s %s：%s（%d/%d）</title></circle>`,
				x, y, s.Color, p.Period.Month, html.EscapeString(s.Figure.Name), kpi.Percent(v.Rate), v.N, v.D)
		}
		flush()
		// legend
		lx := 8 + float64(si)*150
		ly := h - 10
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2.5" stroke-dasharray="%s"/>`,
			lx, ly-4, lx+24, ly-4, s.Color, s.Dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" fill="#1f1f1f">%s</text>`, lx+30, ly, html.EscapeString(s.Figure.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// gauge draws a card's value against its target: a bar with a marker.
func gauge(v kpi.Value) template.HTML {
	if !v.OK {
		return ""
	}
	var b strings.Builder
	color := "#1d5fb4"
	if v.Target > 0 && !v.Met {
		color = "#9a6700"
	}
	fmt.Fprintf(&b, `<svg class="gauge" viewBox="0 0 200 14" aria-hidden="true" focusable="false"><rect x="0" y="3" width="200" height="8" fill="#e1e4e8"/>`)
	fmt.Fprintf(&b, `<rect x="0" y="3" width="%.1f" height="8" fill="%s"/>`, 200*min(v.Rate, 1), color)
	if v.Target > 0 {
		fmt.Fprintf(&b, `<rect x="%.1f" y="0" width="2" height="14" fill="#c7000b"/>`, 200*v.Target-1)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
