package render

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
)

// ErrNoFont is returned when no CJK TrueType font can be found.
var ErrNoFont = errors.New("未找到生成 PDF 所需的中文字体（请安装 fonts-wqy-microhei，或设置 YIWANG_PDF_FONT）")

// fontEnv names the environment variable that overrides the font path.
const fontEnv = "YIWANG_PDF_FONT"

// defaultFontPaths are tried in order when YIWANG_PDF_FONT is not set.
var defaultFontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttf",
}

// fontCache keeps the TrueType bytes of the last font loaded, keyed by its
// path, so that the 5 MB file is read and extracted once. Failures are not
// cached: installing the font later works without a restart.
var fontCache struct {
	sync.Mutex
	path string
	ttf  []byte
}

// FontTTF returns the bytes of the CJK TrueType font used for documents and
// seals. It reads YIWANG_PDF_FONT (a .ttf, or a .ttc of which face 0 is
// used) or else Debian's WenQuanYi Micro Hei, whose .ttc it turns into a
// .ttf (gopdf reads only .ttf). Without a font the error is ErrNoFont.
func FontTTF() ([]byte, error) {
	b, err := fontTTF()
	return slices.Clone(b), err
}

// fontTTF is FontTTF without the copy; the bytes are shared.
func fontTTF() ([]byte, error) {
	path, err := fontPath()
	if err != nil {
		return nil, err
	}
	fontCache.Lock()
	defer fontCache.Unlock()
	if fontCache.ttf != nil && fontCache.path == path {
		return fontCache.ttf, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取字体文件 %s 失败：%w", path, err)
	}
	ttf, err := toTTF(raw)
	if err != nil {
		return nil, fmt.Errorf("字体文件 %s 不可用：%w", path, err)
	}
	fontCache.path, fontCache.ttf = path, ttf
	return ttf, nil
}

// fontPath picks the font file to use.
func fontPath() (string, error) {
	if p := os.Getenv(fontEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w：%s 指定的 %s 无法读取", ErrNoFont, fontEnv, p)
		}
		return p, nil
	}
	for _, p := range defaultFontPaths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", ErrNoFont
}

// toTTF returns a standalone TrueType font: raw itself when it already is
// one, or face 0 of a TrueType collection.
func toTTF(raw []byte) ([]byte, error) {
	if len(raw) < 12 {
		return nil, errors.New("文件过短，不是字体")
	}
	var out []byte
	switch tag := string(raw[:4]); tag {
	case "ttcf":
		var err error
		if out, err = extractTTC(raw, 0); err != nil {
			return nil, err
		}
	case "\x00\x01\x00\x00", "true":
		out = raw
	case "OTTO":
		return nil, errors.New("这是 CFF 轮廓的 OpenType 字体，需要 TrueType（glyf）轮廓的字体")
	default:
		return nil, errors.New("无法识别的字体格式")
	}
	if _, err := sfntTables(out, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// tableRecord is one entry of an sfnt table directory.
type tableRecord struct {
	tag            string
	checksum       uint32
	offset, length uint32
}

// sfntTables reads the table directory at off in b and checks that every
// table lies inside b and that the tables a TrueType font needs are there.
func sfntTables(b []byte, off uint32) ([]tableRecord, error) {
	be := binary.BigEndian
	if uint64(off)+12 > uint64(len(b)) {
		return nil, errors.New("字体表目录越界")
	}
	switch v := be.Uint32(b[off:]); v {
	case 0x00010000, 0x74727565: // 1.0 or 'true'
	case 0x4F54544F: // 'OTTO'
		return nil, errors.New("这是 CFF 轮廓的 OpenType 字体，需要 TrueType（glyf）轮廓的字体")
	default:
		return nil, fmt.Errorf("无法识别的 sfnt 版本 0x%08x", v)
	}
	n := uint32(be.Uint16(b[off+4:]))
	if n == 0 || uint64(off)+12+16*uint64(n) > uint64(len(b)) {
		return nil, errors.New("字体表目录越界")
	}
	recs := make([]tableRecord, n)
	have := map[string]bool{}
	for i := range recs {
		p := off + 12 + 16*uint32(i)
		r := tableRecord{
			tag:      string(b[p : p+4]),
			checksum: be.Uint32(b[p+4:]),
			offset:   be.Uint32(b[p+8:]),
			length:   be.Uint32(b[p+12:]),
		}
		if uint64(r.offset)+uint64(r.length) > uint64(len(b)) {
			return nil, fmt.Errorf("字体表 %q 越界", r.tag)
		}
		recs[i] = r
		have[r.tag] = true
	}
	for _, t := range []string{"head", "cmap", "glyf", "loca", "hmtx", "hhea", "maxp"} {
		if !have[t] {
			return nil, fmt.Errorf("字体缺少 %q 表（需要 TrueType 轮廓的字体）", t)
		}
	}
	return recs, nil
}

// extractTTC copies face `face` of a TrueType collection into a standalone
// sfnt file: the same tables, laid out one after another on 4-byte
// boundaries, with the directory, table checksums and
// head.checkSumAdjustment recomputed.
func extractTTC(ttc []byte, face int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return nil, errors.New("不是 TrueType 字体集（.ttc）")
	}
	numFonts := int(be.Uint32(ttc[8:]))
	if face < 0 || face >= numFonts || 12+4*uint64(numFonts) > uint64(len(ttc)) {
		return nil, fmt.Errorf("字体集中没有第 %d 个字体", face)
	}
	recs, err := sfntTables(ttc, be.Uint32(ttc[12+4*face:]))
	if err != nil {
		return nil, err
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].tag < recs[j].tag })
	n := len(recs)

	size := 12 + 16*n
	for _, r := range recs {
		size += int(r.length+3) &^ 3
	}
	out := make([]byte, size)
	// Offset table: version, numTables, searchRange, entrySelector, rangeShift.
	be.PutUint32(out[0:], 0x00010000)
	be.PutUint16(out[4:], uint16(n))
	sel := 0
	for 1<<(sel+1) <= n {
		sel++
	}
	be.PutUint16(out[6:], uint16(16<<sel))
	be.PutUint16(out[8:], uint16(sel))
	be.PutUint16(out[10:], uint16(16*n-16<<sel))

	pos := uint32(12 + 16*n)
	headAt := -1
	for i, r := range recs {
		data := out[pos : pos+r.length]
		copy(data, ttc[r.offset:r.offset+r.length])
		if r.tag == "head" {
			if r.length < 12 {
				return nil, errors.New("字体 head 表过短")
			}
			be.PutUint32(data[8:], 0) // checkSumAdjustment, set below
			headAt = int(pos)
		}
		d := out[12+16*i:]
		copy(d[0:4], r.tag)
		be.PutUint32(d[4:], sfntChecksum(out[pos:pos+(r.length+3)&^3]))
		be.PutUint32(d[8:], pos)
		be.PutUint32(d[12:], r.length)
		pos += (r.length + 3) &^ 3
	}
	be.PutUint32(out[headAt+8:], 0xB1B0AFBA-sfntChecksum(out))
	return out, nil
}

// sfntChecksum is the sum of b as big-endian uint32 words (b is padded).
func sfntChecksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var last [4]byte
		copy(last[:], b)
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}
