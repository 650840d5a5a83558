package render

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/signintech/gopdf"
)

// requirePDF skips a test that needs the CJK font (and, when tools are
// named, poppler-utils) when they are missing, unless YIWANG_REQUIRE_PDF=1
// (CI), where it fails instead.
func requirePDF(t *testing.T, tools ...string) {
	t.Helper()
	var missing []string
	if _, err := FontTTF(); err != nil {
		missing = append(missing, err.Error())
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool+" not installed (apt-get install poppler-utils)")
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := strings.Join(missing, "; ")
	if os.Getenv("YIWANG_REQUIRE_PDF") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("not a PNG: % x", b[:min(len(b), 8)])
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestSealPNG(t *testing.T) {
	requirePDF(t)
	for _, size := range []int{360, 101} {
		b, err := SealPNG("马鞍山市雨山区市场监督管理局", size)
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, b)
		if got := img.Bounds(); got.Dx() != size || got.Dy() != size {
			t.Fatalf("size %d: got %v", size, got)
		}
		// Transparent corner, red star centre, red ring at the top.
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("size %d: corner alpha %d, want transparent", size, a)
		}
		ring := int((sealBox - sealRingOuter + sealRingWidth/2) / sealBox * float64(size))
		for _, p := range []image.Point{{size / 2, size / 2}, {size / 2, ring}, {ring, size / 2}} {
			r, g, b, a := img.At(p.X, p.Y).RGBA()
			if a < 0xF000 || r < 0xC000 || g > 0x4000 || b > 0x4000 {
				t.Errorf("size %d: pixel %v = %x %x %x %x, want opaque red", size, p, r, g, b, a)
			}
		}
	}
	if _, err := SealPNG("某局", 10); err == nil {
		t.Error("SealPNG accepted a 10-pixel seal")
	}
}

func TestSealSVG(t *testing.T) {
	name := `雨山区<script>alert("x")</script>&'局'`
	svg := SealSVG(name)
	if !strings.HasPrefix(svg, "<svg ") || !strings.HasSuffix(svg, "</svg>") {
		t.Fatalf("not an svg element: %.80s", svg)
	}
	if !strings.Contains(svg, html.EscapeString(name)) {
		t.Errorf("escaped org name missing: %s", svg)
	}
	if strings.Contains(strings.ToLower(svg), "<script") || strings.Contains(svg, `"x")`) {
		t.Errorf("org name not escaped: %s", svg)
	}
	for _, bad := range []string{"href", "url(", "<image", "<foreignObject", "<style"} {
		if strings.Contains(svg, bad) {
			t.Errorf("external reference or style %q in %s", bad, svg)
		}
	}
	if regexp.MustCompile(`\son\w+=`).MatchString(svg) {
		t.Errorf("event handler attribute in %s", svg)
	}
	// Well-formed XML with one <text> per character of the name.
	dec := xml.NewDecoder(strings.NewReader(svg))
	texts := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "text" {
			texts++
		}
	}
	if want := len([]rune(name)); texts != want {
		t.Errorf("%d <text> elements, want %d", texts, want)
	}
}

func TestQRPNG(t *testing.T) {
	b, err := QRPNG("https://zwfw.yushan.gov.cn/v/3f2a9c1e")
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b)
	bounds := img.Bounds()
	if bounds.Dx() != bounds.Dy() || bounds.Dx() < 100 {
		t.Fatalf("QR image %v", bounds)
	}
	var dark, light int
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			} else {
				light++
			}
		}
	}
	if dark == 0 || light == 0 {
		t.Errorf("QR image has %d dark and %d light samples", dark, light)
	}
	if _, err := QRPNG(""); err == nil {
		t.Error("QRPNG accepted empty text")
	}
}

// fakeTTC builds a two-face collection whose faces share some tables, with
// odd table lengths to exercise padding.
func fakeTTC() (ttc []byte, tables map[string][]byte) {
	be := binary.BigEndian
	tables = map[string][]byte{}
	tags := []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name"}
	for i, tag := range tags {
		n := 5 + 7*i
		if tag == "head" {
			n = 54
		}
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(i*31 + j)
		}
		tables[tag] = b
	}
	dirSize := 12 + 16*len(tags)
	ttc = make([]byte, 12+8+2*dirSize)
	copy(ttc, "ttcf")
	be.PutUint32(ttc[4:], 0x00010000)
	be.PutUint32(ttc[8:], 2)
	be.PutUint32(ttc[12:], 20)
	be.PutUint32(ttc[16:], uint32(20+dirSize))
	// Tables in reverse order, to check that the copy sorts the directory.
	for face := 0; face < 2; face++ {
		dir := 20 + face*dirSize
		be.PutUint32(ttc[dir:], 0x00010000)
		be.PutUint16(ttc[dir+4:], uint16(len(tags)))
		for i := range tags {
			tag := tags[len(tags)-1-i]
			rec := dir + 12 + 16*i
			copy(ttc[rec:], tag)
			be.PutUint32(ttc[rec+8:], uint32(len(ttc)))
			be.PutUint32(ttc[rec+12:], uint32(len(tables[tag])))
			ttc = append(ttc, tables[tag]...)
			ttc = append(ttc, 0xEE) // junk between tables
		}
	}
	return ttc, tables
}

// checkSFNT checks a standalone TrueType file: version, sorted directory,
// aligned tables inside the file, table checksums and the whole-file
// checksum; it returns the tables.
func checkSFNT(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	be := binary.BigEndian
	if v := be.Uint32(b); v != 0x00010000 {
		t.Fatalf("sfnt version %#x", v)
	}
	n := int(be.Uint16(b[4:]))
	tables := map[string][]byte{}
	prev := ""
	for i := 0; i < n; i++ {
		rec := b[12+16*i:]
		tag := string(rec[:4])
		sum, off, length := be.Uint32(rec[4:]), be.Uint32(rec[8:]), be.Uint32(rec[12:])
		if tag <= prev {
			t.Errorf("table %q after %q: directory not sorted", tag, prev)
		}
		prev = tag
		if off%4 != 0 || uint64(off)+uint64(length) > uint64(len(b)) {
			t.Fatalf("table %q at %d+%d in %d bytes", tag, off, length, len(b))
		}
		data := b[off : off+length]
		padded := b[off : off+(length+3)&^3]
		if tag == "head" {
			c := append([]byte(nil), padded...)
			be.PutUint32(c[8:], 0)
			padded = c
		}
		if got := sfntChecksum(padded); got != sum {
			t.Errorf("table %q checksum %#x, directory says %#x", tag, got, sum)
		}
		tables[tag] = data
	}
	if got := sfntChecksum(b); got != 0xB1B0AFBA {
		t.Errorf("file checksum %#x, want 0xB1B0AFBA (checkSumAdjustment)", got)
	}
	return tables
}

func TestExtractTTCSynthetic(t *testing.T) {
	ttc, want := fakeTTC()
	for face := 0; face < 2; face++ {
		b, err := extractTTC(ttc, face)
		if err != nil {
			t.Fatal(err)
		}
		got := checkSFNT(t, b)
		if len(got) != len(want) {
			t.Errorf("face %d: %d tables, want %d", face, len(got), len(want))
		}
		for tag, data := range want {
			g := got[tag]
			if tag == "head" {
				// Everything but checkSumAdjustment is copied.
				g, data = append([]byte(nil), g...), append([]byte(nil), data...)
				copy(g[8:12], "\x00\x00\x00\x00")
				copy(data[8:12], "\x00\x00\x00\x00")
			}
			if !bytes.Equal(g, data) {
				t.Errorf("face %d: table %q = % x, want % x", face, tag, g, data)
			}
		}
	}
	if _, err := extractTTC(ttc, 2); err == nil {
		t.Error("extracted a face that does not exist")
	}
	for _, bad := range [][]byte{ttc[:30], []byte("ttcf\x00\x01\x00\x00\xff\xff\xff\xff")} {
		if _, err := extractTTC(bad, 0); err == nil {
			t.Errorf("extracted a face from a truncated collection of %d bytes", len(bad))
		}
	}
	if _, err := toTTF([]byte("OTTO\x00\x01\x00\x00\x00\x00\x00\x00")); err == nil {
		t.Error("accepted a CFF font")
	}
}

// TestExtractTTC extracts face 0 of the installed collection and has gopdf
// use it.
func TestExtractTTC(t *testing.T) {
	requirePDF(t)
	path, err := fontPath()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw[:4]) != "ttcf" {
		t.Skipf("%s is not a font collection", path)
	}
	b, err := extractTTC(raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	tables := checkSFNT(t, b)
	for _, tag := range []string{"glyf", "cmap", "head", "loca", "hmtx"} {
		if len(tables[tag]) == 0 {
			t.Errorf("no %q table", tag)
		}
	}
	ttf, err := FontTTF()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ttf, b) {
		t.Error("FontTTF differs from face 0 of the collection")
	}

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitMM})
	pdf.AddPage()
	if err := pdf.AddTTFFontData("f", b); err != nil {
		t.Fatalf("gopdf refuses the extracted font: %v", err)
	}
	if err := pdf.SetFont("f", "", 12); err != nil {
		t.Fatal(err)
	}
	for _, c := range "国堃喆犇A" {
		if ok, err := pdf.IsCurrFontContainGlyph(c); err != nil || !ok {
			t.Errorf("glyph %c: %v %v", c, ok, err)
		}
	}
	if w, err := pdf.MeasureTextWidth("国"); err != nil || w < 3 || w > 5 {
		t.Errorf("width of 国 at 12 pt = %v mm, %v", w, err)
	}
}

func TestFontOverride(t *testing.T) {
	t.Setenv(fontEnv, filepath.Join(t.TempDir(), "none.ttf"))
	_, err := FontTTF()
	if !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "中文字体") {
		t.Errorf("missing YIWANG_PDF_FONT file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.ttf")
	if err := os.WriteFile(bad, []byte("not a font at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(fontEnv, bad)
	if _, err := FontTTF(); err == nil {
		t.Error("accepted a file that is not a font")
	}
	if _, err := PDF(Doc{Title: "许可证"}); err == nil {
		t.Error("PDF without a usable font succeeded")
	}
}

// pdfText extracts the text of a PDF in content-stream order with
// pdftotext -raw, so that lines of one value follow each other.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	if _, err := exec.LookPath("pdfinfo"); err == nil {
		path := filepath.Join(t.TempDir(), "doc.pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdfinfo", path).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("pdfinfo: no page count in %s", out)
		}
		if p, _ := strconv.Atoi(string(m[1])); p != n {
			t.Fatalf("pdfinfo says %d pages, page objects %d", p, n)
		}
	}
	return n
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// mustContain checks that each of want, without whitespace, occurs in the
// extracted text without whitespace.
func mustContain(t *testing.T, text string, want ...string) {
	t.Helper()
	flat := squash(text)
	for _, w := range want {
		if !strings.Contains(flat, squash(w)) {
			t.Errorf("extracted text lacks %q", w)
		}
	}
}

func sampleDoc() Doc {
	return Doc{
		Title:    "食品经营许可证",
		Subtitle: "（电子证照）",
		Rows: []Row{
			{"持证主体", "马鞍山市雨山区堃喆犇餐饮管理有限公司"},
			{"统一社会信用代码", "91340504MA2NXXXX7K"},
			{"法定代表人", "王堃喆"},
			{"经营场所", "安徽省马鞍山市雨山区湖东南路一百二十八号金鹰天地广场负一层B108室（犇犇美食城内东侧第三间，靠近喆喆路与堃园街交叉口），" +
				"Room 108, Basement Level 1, Golden Eagle Plaza, 128 Hudong South Road, Yushan District, Maanshan, Anhui"},
			{"经营项目", "热食类食品制售；冷食类食品制售；生食类食品制售（生食类食品制售仅限生食类水产品）；自制饮品制售（不含自酿酒）"},
			{"有效期", "2026年11月26日至2031年11月25日"},
			{"颁发机构", "马鞍山市雨山区市场监督管理局"},
			{"颁发日期", "2026年11月26日"},
			{"证照标识", "1.2.156.3005.2.11100000000013338W.9134050412345678XK.003"},
		},
		Paragraphs: []string{
			"马鞍山市雨山区堃喆犇餐饮管理有限公司：",
			"你单位于2026年11月20日提出的食品经营许可申请，经审查，符合《中华人民共和国食品安全法》第三十五条和《食品经营许可和备案管理办法》的规定，本机关决定准予行政许可。",
		},
		IssuerName: "马鞍山市雨山区市场监督管理局",
		IssuedOn:   "2026年11月26日",
		VerifyURL:  "https://zwfw.yushan.gov.cn/verify/3f2a9c1e7b5d4a60?k=9f8e",
		Status:     "已吊销",
		Footer:     "签章密钥 3f2a9c1e7b5d4a60，算法 SM2-SM3",
	}
}

// TestPDFText proves that Chinese renders and that nothing is lost where
// lines wrap: everything shown comes back from pdftotext, in order.
func TestPDFText(t *testing.T) {
	requirePDF(t, "pdftotext")
	d := sampleDoc()
	b, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", b)
	}
	text := pdfText(t, b)
	var want []string
	for _, row := range d.Rows {
		// Label and value are drawn one after the other.
		want = append(want, row.Label, row.Value, row.Label+row.Value)
	}
	want = append(want, d.Paragraphs...)
	want = append(want, d.Title, d.Subtitle, DefaultWatermark, d.IssuerName, d.IssuedOn, d.Status, d.VerifyURL, "扫码核验", d.Footer)
	mustContain(t, text, want...)
	if n := strings.Count(squash(text), DefaultWatermark); n < 10 {
		t.Errorf("watermark printed %d times, want it repeated across the page", n)
	}
	if n := pdfPages(t, b); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}

	// The long value really wraps over several lines.
	r := testRenderer(t)
	if lines, err := r.wrap(d.Rows[3].Value, width-labelW-2*cellPad-1); err != nil || len(lines) < 4 {
		t.Errorf("the long value wraps into %d lines (%v), want several", len(lines), err)
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "安徽省") && strings.Contains(l, "Anhui") {
			t.Errorf("the long value came back on one line: %q", l)
		}
	}

	// A valid document has no status mark, and a custom watermark replaces
	// the default one.
	d.Status, d.Watermark = "", "仅供食品经营许可核验使用"
	b, err = PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, b)
	mustContain(t, text, d.Watermark, d.Rows[3].Value)
	if strings.Contains(text, "已吊销") || strings.Contains(squash(text), DefaultWatermark) {
		t.Error("status or default watermark printed on a valid document with its own watermark")
	}
}

// TestWrapKeepsEveryCharacter wraps random mixed text at many widths and
// checks that the lines fit and put together give the text back.
func TestWrapKeepsEveryCharacter(t *testing.T) {
	requirePDF(t)
	r := testRenderer(t)
	alphabet := []rune("雨山区堃喆犇许可证，。（）《》、；：…%abcXYZ0123456789   -./")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		s := make([]rune, 1+rng.IntN(200))
		for j := range s {
			s[j] = alphabet[rng.IntN(len(alphabet))]
		}
		w := 20 + rng.Float64()*120
		lines, err := r.wrap(string(s), w)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(lines, ""); got != string(s) {
			t.Fatalf("width %.1f: %q wrapped into %q", w, string(s), lines)
		}
		for _, l := range lines {
			lw, _ := r.textWidth(l)
			trimmed := []rune(l)
			// Only one closing mark or space may hang past the edge.
			if n := len(trimmed); n > 1 && (strings.ContainsRune(noLineStart, trimmed[n-1]) || trimmed[n-1] == ' ') {
				trimmed = trimmed[:n-1]
			}
			tw, _ := r.textWidth(string(trimmed))
			if tw > w+0.001 && len(trimmed) > 1 {
				t.Fatalf("width %.1f: line %q is %.1f (%.1f without hanging punctuation)", w, l, lw, tw)
			}
		}
	}
	lines, err := r.wrap("第一行\n\n第三行", 100)
	if err != nil || len(lines) != 3 || lines[1] != "" {
		t.Errorf("line breaks: %q %v", lines, err)
	}
}

func testRenderer(t *testing.T) *renderer {
	t.Helper()
	ttf, err := FontTTF()
	if err != nil {
		t.Fatal(err)
	}
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitMM})
	p.AddPage()
	if err := p.AddTTFFontData(fontFamily, ttf); err != nil {
		t.Fatal(err)
	}
	r := &renderer{pdf: p, widths: map[runeSize]float64{}}
	if err := r.setFont(valueSize); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPDFBadInput(t *testing.T) {
	for _, title := range []string{"", "  \n\t"} {
		if _, err := PDF(Doc{Title: title, Rows: []Row{{"持证主体", "某公司"}}}); err == nil {
			t.Errorf("PDF with title %q succeeded", title)
		}
	}
	requirePDF(t)
	// U+20000 (CJK Extension B) is not in WenQuanYi Micro Hei: refuse
	// rather than print a blank.
	_, err := PDF(Doc{Title: "许可证", Rows: []Row{{"持证主体", "王\U00020000明"}}})
	if err == nil || !strings.Contains(err.Error(), "U+20000") {
		t.Errorf("PDF with a character the font lacks: %v", err)
	}
}

// TestPDFPaginates gives a document more rows than a page holds: it gets
// more pages, and every row still comes back from the text.
func TestPDFPaginates(t *testing.T) {
	requirePDF(t, "pdftotext")
	d := sampleDoc()
	d.Status = ""
	d.Rows = nil
	for i := 1; i <= 90; i++ {
		d.Rows = append(d.Rows, Row{fmt.Sprintf("事项%d", i), fmt.Sprintf("第%d项的内容：堃喆犇%s", i, strings.Repeat("雨", i%40))})
	}
	b, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, b)
	if pages < 3 {
		t.Fatalf("%d pages for 90 rows", pages)
	}
	text := pdfText(t, b)
	var want []string
	for _, row := range d.Rows {
		want = append(want, row.Label+row.Value)
	}
	want = append(want, d.IssuerName, d.IssuedOn, fmt.Sprintf("第%d页／共%d页", pages, pages))
	mustContain(t, text, want...)
	if n := strings.Count(squash(text), DefaultWatermark); n < 10*pages {
		t.Errorf("watermark printed %d times on %d pages", n, pages)
	}
	// Rows keep their order across pages.
	flat := squash(text)
	last := -1
	for _, row := range d.Rows {
		i := strings.Index(flat, squash(row.Label+row.Value))
		if i < last {
			t.Errorf("row %q out of order", row.Label)
		}
		last = i
	}
	// Nothing is drawn below the page's inner border.
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	limit := (pageH - frameInner) / 25.4 * 72
	words := regexp.MustCompile(`<word xMin="[-\d.]+" yMin="[-\d.]+" xMax="[-\d.]+" yMax="([-\d.]+)">([^<]*)</word>`).FindAllSubmatch(out, -1)
	if len(words) < len(d.Rows) {
		t.Fatalf("pdftotext -bbox found %d words", len(words))
	}
	for _, m := range words {
		if y, _ := strconv.ParseFloat(string(m[1]), 64); y > limit {
			t.Errorf("word %q ends at %.1f pt, below the border at %.1f pt", m[2], y, limit)
		}
	}
}

// TestPDFTallRow splits a row taller than a page between its lines.
func TestPDFTallRow(t *testing.T) {
	requirePDF(t, "pdftotext")
	long := strings.Repeat("雨山区堃喆犇经营范围，", 180)
	b, err := PDF(Doc{Title: "许可证", Rows: []Row{{"经营范围", long}, {"颁发机构", "雨山区"}}})
	if err != nil {
		t.Fatal(err)
	}
	if pages := pdfPages(t, b); pages < 2 {
		t.Fatalf("%d pages for a row of %d characters", pages, len([]rune(long)))
	}
	// The value is interrupted by the first page's watermark and page
	// number; without them it comes back whole.
	text := squash(pdfText(t, b))
	text = strings.ReplaceAll(text, DefaultWatermark, "")
	text = regexp.MustCompile(`第\d+页／共\d+页`).ReplaceAllString(text, "")
	if !strings.Contains(text, "经营范围"+long) {
		t.Errorf("the tall row did not come back whole: %s", text)
	}
	mustContain(t, text, "颁发机构雨山区")
}
