// Package render draws e-licenses (电子证照) and result documents as PDF,
// and the seal and QR code they carry.
//
// Everything a person reads in a PDF is real text in an embedded subset of
// a CJK TrueType font (see FontTTF), so it can be searched, copied and
// extracted; only the seal and the QR code are images.
package render

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"
)

// Row is one labelled line of a document.
type Row struct{ Label, Value string }

// Doc is what a document shows.
type Doc struct {
	Title      string   // e.g. "食品经营许可证" or "准予行政许可决定书"
	Subtitle   string   // optional, e.g. "（电子证照）" or a document number
	Rows       []Row    // label/value lines in order; long values wrap
	Paragraphs []string // optional body text (decision documents), after the rows
	IssuerName string   // text around the seal, and printed under it
	IssuedOn   string   // date line under the issuer name, e.g. "2026年11月26日"
	VerifyURL  string   // encoded in the QR code and printed small under it
	Status     string   // "" when valid; otherwise e.g. "已吊销", printed as a large red mark
	Watermark  string   // "" means DefaultWatermark
	Footer     string   // optional small print at the bottom of every page
}

// DefaultWatermark is printed across every page unless Doc.Watermark says
// otherwise.
const DefaultWatermark = "仅供办理政务服务事项时使用"

// Page geometry, in millimetres (A4 portrait).
const (
	pageW = 210.0
	pageH = 297.0

	frameOuter = 10.0 // inset of the outer border line
	frameInner = 12.2 // inset of the inner border line

	left   = 24.0
	right  = pageW - 24.0
	width  = right - left
	top    = 26.0
	bottom = 272.0 // lowest content line on pages without the signature block

	labelW  = 36.0 // label column of the rows
	cellPad = 2.0  // padding inside a row cell

	blockTop = 218.0 // the signature block (QR code, issuer, seal) starts here
	qrSize   = 30.0
	sealSize = 40.0 // a 42 mm official seal, a little smaller to fit the page

	footerY = 274.5
)

// Font sizes in points and line heights in millimetres.
const (
	titleSize    = 24.0
	titleMin     = 16.0
	subtitleSize = 12.0
	labelSize    = 11.0
	valueSize    = 12.0
	valueLine    = 6.0
	labelLine    = 5.6
	paraSize     = 12.0
	paraLine     = 7.2
	issuerSize   = 12.0
	issuerLine   = 6.6
	smallSize    = 7.5
	smallLine    = 3.3
	markSize     = 60.0
	wmSize       = 14.0
)

const fontFamily = "cjk"

// Colours.
var (
	black     = [3]uint8{0x1A, 0x1A, 0x1A}
	labelInk  = [3]uint8{0x55, 0x3B, 0x2E}
	grayInk   = [3]uint8{0x66, 0x66, 0x66}
	frameInk  = [3]uint8{0xA8, 0x2A, 0x20}
	ruleInk   = [3]uint8{0xC9, 0xB8, 0xA8}
	labelFill = [3]uint8{0xFA, 0xF5, 0xEF}
	markInk   = [3]uint8{0xD8, 0x1E, 0x06}
	wmInk     = [3]uint8{0x80, 0x80, 0x80}
)

// PDF draws d as an A4 portrait PDF: the title, the rows as a two-column
// table, the paragraphs, then at the bottom of the last page the QR code on
// the left and the issuer, date and seal on the right. Every page carries
// the watermark and, when d.Status is set, a large red status mark. Content
// that does not fit continues on new pages.
func PDF(d Doc) ([]byte, error) {
	d = cleanDoc(d)
	if d.Title == "" {
		return nil, errors.New("文书标题不能为空")
	}
	ttf, err := fontTTF()
	if err != nil {
		return nil, err
	}
	var sealImg, qrImg []byte
	if d.IssuerName != "" {
		if sealImg, err = sealPNG(d.IssuerName, 600); err != nil {
			return nil, err
		}
	}
	if d.VerifyURL != "" {
		if qrImg, err = QRPNG(d.VerifyURL); err != nil {
			return nil, fmt.Errorf("生成二维码失败：%w", err)
		}
	}

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitMM})
	pdf.SetInfo(gopdf.PdfInfo{Title: d.Title, Creator: "yiwang", Producer: "yiwang"})
	if err := pdf.AddTTFFontDataWithOption(fontFamily, ttf, gopdf.TtfOption{
		// Missing characters are found beforehand (checkGlyphs); never
		// replace one silently.
		OnGlyphNotFoundSubstitute: func(r rune) rune { return r },
	}); err != nil {
		return nil, fmt.Errorf("加载字体失败：%w", err)
	}
	r := &renderer{pdf: pdf, doc: d, widths: map[runeSize]float64{}}
	if err := r.setFont(valueSize); err != nil {
		return nil, err
	}
	if err := r.checkGlyphs(); err != nil {
		return nil, err
	}
	if err := r.draw(sealImg, qrImg); err != nil {
		return nil, err
	}
	return pdf.GetBytesPdfReturnErr()
}

// cleanDoc trims the fields and normalises line breaks; tabs become spaces
// and other control and format characters, which no font draws, are
// removed.
func cleanDoc(d Doc) Doc {
	one := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(cleanText(s), "\n", " ")) }
	d.Title = one(d.Title)
	d.Subtitle = one(d.Subtitle)
	d.IssuerName = one(d.IssuerName)
	d.IssuedOn = one(d.IssuedOn)
	d.VerifyURL = strings.TrimSpace(d.VerifyURL)
	d.Status = one(d.Status)
	d.Watermark = one(d.Watermark)
	if d.Watermark == "" {
		d.Watermark = DefaultWatermark
	}
	d.Footer = strings.TrimSpace(cleanText(d.Footer))
	rows := make([]Row, len(d.Rows))
	for i, row := range d.Rows {
		rows[i] = Row{Label: one(row.Label), Value: strings.TrimSpace(cleanText(row.Value))}
	}
	d.Rows = rows
	paras := make([]string, 0, len(d.Paragraphs))
	for _, p := range d.Paragraphs {
		if p = strings.TrimSpace(cleanText(p)); p != "" {
			paras = append(paras, p)
		}
	}
	d.Paragraphs = paras
	return d
}

func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r' || r == '\t' || r == '\u00A0':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

type runeSize struct {
	r    rune
	size float64
}

// renderer lays a Doc out page by page. y is the top of the next line on
// the current page.
type renderer struct {
	pdf    *gopdf.GoPdf
	doc    Doc
	size   float64
	widths map[runeSize]float64
	y      float64
	pages  int
}

func (r *renderer) setFont(size float64) error {
	r.size = size
	return r.pdf.SetFont(fontFamily, "", size)
}

func (r *renderer) color(c [3]uint8) { r.pdf.SetTextColor(c[0], c[1], c[2]) }

// checkGlyphs refuses a document with characters the font lacks: a
// document must not lose a character of a name or an address.
func (r *renderer) checkGlyphs() error {
	d := r.doc
	all := []string{d.Title, d.Subtitle, d.IssuerName, d.IssuedOn, d.VerifyURL, d.Status, d.Watermark, d.Footer,
		"扫码核验第页共／0123456789 （此页无正文）"}
	for _, row := range d.Rows {
		all = append(all, row.Label, row.Value)
	}
	all = append(all, d.Paragraphs...)
	var missing []string
	seen := map[rune]bool{}
	for _, s := range all {
		for _, c := range s {
			if c == '\n' || seen[c] {
				continue
			}
			seen[c] = true
			ok, err := r.pdf.IsCurrFontContainGlyph(c)
			if err != nil {
				return err
			}
			if !ok {
				missing = append(missing, fmt.Sprintf("“%c”（U+%04X）", c, c))
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("字体中没有以下字符，无法生成 PDF：%s", strings.Join(missing, "、"))
	}
	return nil
}

// textWidth measures s in the current font size, in millimetres.
func (r *renderer) textWidth(s string) (float64, error) {
	var w float64
	for _, c := range s {
		k := runeSize{c, r.size}
		cw, ok := r.widths[k]
		if !ok {
			var err error
			if cw, err = r.pdf.MeasureTextWidth(string(c)); err != nil {
				return 0, err
			}
			r.widths[k] = cw
		}
		w += cw
	}
	return w, nil
}

// noLineStart holds the punctuation that must not begin a line (避头点);
// one of them may hang past the right edge instead.
const noLineStart = "，。、；：？！）】》」』〕〉’”…—,.;:?!)]}%"

// noLineEnd holds the punctuation that must not end a line (避尾点); it
// moves to the next line with the character it opens.
const noLineEnd = "（【《「『〔〈‘“([{"

// wrap breaks s into lines no wider than w in the current font size.
// Chinese text breaks between any two characters; a run of Latin letters
// and digits breaks at a space when it can. Every character of s is kept:
// joining the lines (with "\n" where s had them) gives s back.
func (r *renderer) wrap(s string, w float64) ([]string, error) {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		lineW := 0.0
		for _, c := range para {
			cw, err := r.textWidth(string(c))
			if err != nil {
				return nil, err
			}
			// One closing mark or space may hang past the edge rather than
			// begin the next line.
			hang := lineW <= w && (c == ' ' || strings.ContainsRune(noLineStart, c))
			if len(line) > 0 && lineW+cw > w && !hang {
				cut := len(line)
				if isWordRune(c) {
					// Move a Latin word that would be split to the next line.
					for i := len(line) - 1; i > 0; i-- {
						if line[i] == ' ' {
							cut = i + 1
							break
						}
						if !isWordRune(line[i]) {
							break
						}
					}
				}
				if cut > 1 && strings.ContainsRune(noLineEnd, line[cut-1]) {
					cut--
				}
				lines = append(lines, string(line[:cut]))
				line = append([]rune(nil), line[cut:]...)
				if lineW, err = r.textWidth(string(line)); err != nil {
					return nil, err
				}
			}
			line = append(line, c)
			lineW += cw
		}
		lines = append(lines, string(line))
	}
	return lines, nil
}

func isWordRune(c rune) bool {
	return c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune("-_./:@#?&=%+~", c))
}

// cell draws one line of text with its top-left corner at (x, y) in a box
// of width w, aligned by align (gopdf.Left, Center or Right).
func (r *renderer) cell(x, y, w float64, s string, align int) error {
	if s == "" {
		return nil
	}
	r.pdf.SetXY(x, y)
	return r.pdf.CellWithOption(&gopdf.Rect{W: w, H: r.size * 0.3528}, s, gopdf.CellOption{Align: align | gopdf.Top})
}

// newPage starts a page with its border.
func (r *renderer) newPage() error {
	r.pdf.AddPage()
	r.pages++
	r.y = top
	r.frame()
	return nil
}

// frame draws the double border of a certificate.
func (r *renderer) frame() {
	p := r.pdf
	p.SetStrokeColor(frameInk[0], frameInk[1], frameInk[2])
	p.SetLineWidth(0.8)
	p.RectFromUpperLeftWithStyle(frameOuter, frameOuter, pageW-2*frameOuter, pageH-2*frameOuter, "D")
	p.SetLineWidth(0.25)
	p.RectFromUpperLeftWithStyle(frameInner, frameInner, pageW-2*frameInner, pageH-2*frameInner, "D")
}

// watermark repeats the watermark text diagonally across the page in light
// translucent gray. Each copy lies wholly on the page.
func (r *renderer) watermark() error {
	if err := r.setFont(wmSize); err != nil {
		return err
	}
	w, err := r.textWidth(r.doc.Watermark)
	if err != nil {
		return err
	}
	const angle = 30.0
	// Shrink a long watermark so that a turned copy fits a third of the page.
	if maxW := 62.0; w > maxW {
		if err := r.setFont(wmSize * maxW / w); err != nil {
			return err
		}
		w = maxW
	}
	h := r.size * 0.3528
	if err := r.pdf.SetTransparency(gopdf.Transparency{Alpha: 0.16, BlendModeType: gopdf.NormalBlendMode}); err != nil {
		return err
	}
	defer r.pdf.ClearTransparency()
	r.color(wmInk)
	for row := 0; row < 6; row++ {
		cy := 40.0 + 44.0*float64(row)
		xs := []float64{pageW / 6, pageW / 2, pageW * 5 / 6}
		if row%2 == 1 {
			xs = []float64{pageW / 3, pageW * 2 / 3}
		}
		for _, cx := range xs {
			r.pdf.Rotate(angle, cx, cy)
			err := r.cell(cx-w/2, cy-h/2, w, r.doc.Watermark, gopdf.Left)
			r.pdf.RotateReset()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// need makes sure h millimetres are free below y, starting a new page when
// they are not and the page already has content.
func (r *renderer) need(h float64) error {
	if r.y+h <= bottom || r.y <= top {
		return nil
	}
	return r.newPage()
}

func (r *renderer) draw(sealPNG, qrPNG []byte) error {
	if err := r.newPage(); err != nil {
		return err
	}
	if err := r.title(); err != nil {
		return err
	}
	if err := r.rows(); err != nil {
		return err
	}
	if err := r.paragraphs(); err != nil {
		return err
	}
	if err := r.signature(sealPNG, qrPNG); err != nil {
		return err
	}
	// Marks drawn over each finished page, after its content so that they
	// cover the table's shading too: the watermark, the status, the footer
	// and the page number.
	for p := 1; p <= r.pages; p++ {
		if err := r.pdf.SetPage(p); err != nil {
			return err
		}
		if err := r.watermark(); err != nil {
			return err
		}
		if err := r.status(); err != nil {
			return err
		}
		if err := r.footer(p); err != nil {
			return err
		}
	}
	return nil
}

func (r *renderer) title() error {
	d := r.doc
	size := titleSize
	if err := r.setFont(size); err != nil {
		return err
	}
	w, err := r.textWidth(d.Title)
	if err != nil {
		return err
	}
	if w > width {
		size = math.Max(titleMin, size*width/w)
		if err := r.setFont(size); err != nil {
			return err
		}
	}
	lines, err := r.wrap(d.Title, width)
	if err != nil {
		return err
	}
	r.color(black)
	r.y += 4
	for _, l := range lines {
		if err := r.cell(left, r.y, width, l, gopdf.Center); err != nil {
			return err
		}
		r.y += size * 0.3528 * 1.35
	}
	if d.Subtitle != "" {
		if err := r.setFont(subtitleSize); err != nil {
			return err
		}
		lines, err := r.wrap(d.Subtitle, width)
		if err != nil {
			return err
		}
		r.y += 1.5
		r.color(grayInk)
		for _, l := range lines {
			if err := r.cell(left, r.y, width, l, gopdf.Center); err != nil {
				return err
			}
			r.y += valueLine
		}
	}
	r.y += 6
	return nil
}

// rows draws the label/value table. A row moves to the next page whole
// unless it is taller than a page, when it is split between lines.
func (r *renderer) rows() error {
	p := r.pdf
	valueX := left + labelW
	valueW := width - labelW - 2*cellPad - 1
	for _, row := range r.doc.Rows {
		if err := r.setFont(labelSize); err != nil {
			return err
		}
		labels, err := r.wrap(row.Label, labelW-2*cellPad)
		if err != nil {
			return err
		}
		if err := r.setFont(valueSize); err != nil {
			return err
		}
		values, err := r.wrap(row.Value, valueW)
		if err != nil {
			return err
		}
		for {
			h := math.Max(float64(len(labels))*labelLine, float64(len(values))*valueLine) + 2*cellPad
			if err := r.need(h); err != nil {
				return err
			}
			n := len(values)
			if r.y+h > bottom { // taller than a page: draw what fits
				n = max(1, int((bottom-r.y-2*cellPad)/valueLine))
				h = float64(n)*valueLine + 2*cellPad
			}
			p.SetLineWidth(0.2)
			p.SetStrokeColor(ruleInk[0], ruleInk[1], ruleInk[2])
			p.SetFillColor(labelFill[0], labelFill[1], labelFill[2])
			p.RectFromUpperLeftWithStyle(left, r.y, labelW, h, "FD")
			p.RectFromUpperLeftWithStyle(valueX, r.y, width-labelW, h, "D")

			if err := r.setFont(labelSize); err != nil {
				return err
			}
			r.color(labelInk)
			for i, l := range labels {
				if err := r.cell(left+cellPad, r.y+cellPad+0.3+float64(i)*labelLine, labelW-2*cellPad, l, gopdf.Left); err != nil {
					return err
				}
			}
			labels = []string{}
			if err := r.setFont(valueSize); err != nil {
				return err
			}
			r.color(black)
			for i, l := range values[:n] {
				if err := r.cell(valueX+cellPad+0.5, r.y+cellPad+float64(i)*valueLine, valueW, l, gopdf.Left); err != nil {
					return err
				}
			}
			values = values[n:]
			r.y += h
			if len(values) == 0 {
				break
			}
		}
	}
	return nil
}

// paragraphs draws the body text with a first-line indent of two
// characters, line by line so that it may continue on a new page.
func (r *renderer) paragraphs() error {
	if len(r.doc.Paragraphs) == 0 {
		return nil
	}
	if err := r.setFont(paraSize); err != nil {
		return err
	}
	indent := 2 * paraSize * 0.3528
	r.y += 5
	r.color(black)
	for _, para := range r.doc.Paragraphs {
		lines, err := r.wrapIndented(para, width, indent)
		if err != nil {
			return err
		}
		// A one-line paragraph ending in a colon addresses the recipient
		// (主送机关) and starts at the margin.
		salutation := len(lines) == 1 && (strings.HasSuffix(para, "：") || strings.HasSuffix(para, ":"))
		for i, l := range lines {
			if err := r.need(paraLine); err != nil {
				return err
			}
			x := left
			if i == 0 && !salutation {
				x += indent
			}
			if err := r.cell(x, r.y, right-x, l, gopdf.Left); err != nil {
				return err
			}
			r.y += paraLine
		}
		r.y += 1.5
	}
	return nil
}

// wrapIndented wraps s to width w with the first line indent shorter. Line
// breaks inside s start new lines without indent.
func (r *renderer) wrapIndented(s string, w, indent float64) ([]string, error) {
	first, err := r.wrap(s, w-indent)
	if err != nil || len(first) <= 1 {
		return first, err
	}
	rest, err := r.wrap(strings.TrimPrefix(s[len(first[0]):], "\n"), w)
	if err != nil {
		return nil, err
	}
	return append(first[:1], rest...), nil
}

// signature draws the block at the bottom of the last page: the QR code
// with "扫码核验" and the URL on the left; the issuer, the date and the
// seal stamped over them on the right.
func (r *renderer) signature(sealPNG, qrPNG []byte) error {
	d := r.doc
	if d.IssuerName == "" && d.IssuedOn == "" && qrPNG == nil {
		return nil
	}
	blockTop := blockTop
	if r.y > blockTop-4 {
		// No room left: the block goes to the top of a page of its own,
		// marked as such (此页无正文) so that the page is not taken for a
		// missing one.
		if err := r.newPage(); err != nil {
			return err
		}
		if err := r.setFont(valueSize); err != nil {
			return err
		}
		r.color(grayInk)
		if err := r.cell(left, top+2, width, "（此页无正文）", gopdf.Center); err != nil {
			return err
		}
		blockTop = top + 16
	}
	p := r.pdf

	if qrPNG != nil {
		img, err := gopdf.ImageHolderByBytes(qrPNG)
		if err != nil {
			return err
		}
		if err := p.ImageByHolder(img, left, blockTop+2, &gopdf.Rect{W: qrSize, H: qrSize}); err != nil {
			return fmt.Errorf("绘制二维码失败：%w", err)
		}
		if err := r.setFont(9); err != nil {
			return err
		}
		r.color(black)
		y := blockTop + 2 + qrSize + 1
		if err := r.cell(left, y, qrSize, "扫码核验", gopdf.Center); err != nil {
			return err
		}
		y += 4.2
		if err := r.setFont(smallSize); err != nil {
			return err
		}
		r.color(grayInk)
		lines, err := r.wrap(d.VerifyURL, 85)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if err := r.cell(left, y, 85, l, gopdf.Left); err != nil {
				return err
			}
			y += smallLine
		}
	}

	// The issuer block is centred on cx; the seal is centred on the issuer
	// name and covers the date, as an official stamp is placed.
	const blockW = 72.0
	cx := right - blockW/2 - 2
	y := blockTop + 14
	if err := r.setFont(issuerSize); err != nil {
		return err
	}
	r.color(black)
	names, err := r.wrap(d.IssuerName, blockW)
	if err != nil {
		return err
	}
	if d.IssuerName == "" {
		names = nil
	}
	sealY := y + float64(len(names))*issuerLine/2 + 1
	for _, l := range names {
		if err := r.cell(cx-blockW/2, y, blockW, l, gopdf.Center); err != nil {
			return err
		}
		y += issuerLine
	}
	if d.IssuedOn != "" {
		if err := r.cell(cx-blockW/2, y+0.5, blockW, d.IssuedOn, gopdf.Center); err != nil {
			return err
		}
	}
	if sealPNG != nil {
		img, err := gopdf.ImageHolderByBytes(sealPNG)
		if err != nil {
			return err
		}
		// Multiply like ink: the text under the seal stays readable.
		if err := p.ImageByHolderWithOptions(img, gopdf.ImageOptions{
			X: cx - sealSize/2, Y: sealY - sealSize/2,
			Rect:         &gopdf.Rect{W: sealSize, H: sealSize},
			Transparency: &gopdf.Transparency{Alpha: 0.92, BlendModeType: gopdf.Multiply},
		}); err != nil {
			return fmt.Errorf("绘制印章失败：%w", err)
		}
	}
	return nil
}

// status draws the status (已吊销 …) as a large red stamp-like mark turned
// across the middle of the page.
func (r *renderer) status() error {
	s := r.doc.Status
	if s == "" {
		return nil
	}
	size := markSize
	if err := r.setFont(size); err != nil {
		return err
	}
	w, err := r.textWidth(s)
	if err != nil {
		return err
	}
	if w > 150 {
		size *= 150 / w
		if err := r.setFont(size); err != nil {
			return err
		}
		w = 150
	}
	h := size * 0.3528
	const cx, cy, angle = pageW / 2, 138.0, 22.0
	p := r.pdf
	if err := p.SetTransparency(gopdf.Transparency{Alpha: 0.7, BlendModeType: gopdf.NormalBlendMode}); err != nil {
		return err
	}
	defer p.ClearTransparency()
	p.Rotate(angle, cx, cy)
	defer p.RotateReset()
	p.SetStrokeColor(markInk[0], markInk[1], markInk[2])
	padX, padY := h*0.35, h*0.3
	p.SetLineWidth(2.2)
	p.RectFromUpperLeftWithStyle(cx-w/2-padX, cy-h/2-padY, w+2*padX, h+2*padY, "D")
	p.SetLineWidth(0.7)
	p.RectFromUpperLeftWithStyle(cx-w/2-padX+2.2, cy-h/2-padY+2.2, w+2*padX-4.4, h+2*padY-4.4, "D")
	r.color(markInk)
	return r.cell(cx-w/2, cy-h/2, w, s, gopdf.Left)
}

// footer prints the footer text and, on documents of several pages, the
// page number.
func (r *renderer) footer(page int) error {
	if err := r.setFont(smallSize); err != nil {
		return err
	}
	r.color(grayInk)
	y := footerY
	if r.doc.Footer != "" {
		lines, err := r.wrap(r.doc.Footer, width)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if err := r.cell(left, y, width, l, gopdf.Center); err != nil {
				return err
			}
			y += smallLine
		}
	}
	if r.pages > 1 {
		n := fmt.Sprintf("第 %d 页／共 %d 页", page, r.pages)
		if err := r.cell(left, pageH-frameInner-5, width, n, gopdf.Center); err != nil {
			return err
		}
	}
	return nil
}
