package render

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// sealRed is the ink colour of seals (印泥红).
var sealRed = color.NRGBA{R: 0xD8, G: 0x1E, B: 0x06, A: 0xFF}

// The seal is laid out in a 200×200 box centred on (100, 100), the same
// geometry for the PNG and the SVG.
const (
	sealBox       = 200.0
	sealRingOuter = 97.0 // outer edge of the ring
	sealRingWidth = 7.0
	sealTextOuter = 85.5 // where the tops of the characters end
	sealStarR     = 29.0 // circumradius of the star
	sealCharWidth = 0.8  // characters are narrowed, as on real seals
)

// sealGlyph is one character of the org name along the arc.
type sealGlyph struct {
	r     rune
	x, y  float64 // centre of the character
	angle float64 // rotation in radians, clockwise; 0 is upright at the top
	size  float64 // em size
}

// sealLayout places the characters of name along the upper arc, from left
// to right, each turned so that its top faces outwards.
func sealLayout(name string) []sealGlyph {
	runes := []rune(sealName(name))
	n := len(runes)
	if n == 0 {
		return nil
	}
	em := 32.0
	maxSpan := 240.0 * math.Pi / 180
	if n > 16 {
		maxSpan = 290.0 * math.Pi / 180
	}
	radius := func(em float64) float64 { return sealTextOuter - em/2 }
	// Spread the characters by about one character width, but no wider
	// than maxSpan; when they would crowd, make them smaller.
	step := 0.0
	for i := 0; i < 20; i++ {
		r := radius(em)
		step = em * 0.95 / r
		if n > 1 && step*float64(n-1) > maxSpan {
			step = maxSpan / float64(n-1)
		}
		if fit := step * r / 0.92; n > 1 && fit < em {
			em = math.Max(fit, 10)
			continue
		}
		break
	}
	r := radius(em)
	out := make([]sealGlyph, n)
	start := -step * float64(n-1) / 2
	for i, c := range runes {
		a := start + step*float64(i)
		out[i] = sealGlyph{
			r:     c,
			x:     sealBox/2 + r*math.Sin(a),
			y:     sealBox/2 - r*math.Cos(a),
			angle: a,
			size:  em,
		}
	}
	return out
}

// sealName drops control characters and surrounding spaces from an org name.
func sealName(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// starPoints returns the ten corners of a five-pointed star centred in the
// seal with one point up.
func starPoints() [][2]float64 {
	pts := make([][2]float64, 10)
	inner := sealStarR * 0.382
	for i := range pts {
		r := sealStarR
		if i%2 == 1 {
			r = inner
		}
		a := float64(i) * math.Pi / 5
		pts[i] = [2]float64{sealBox/2 + r*math.Sin(a), sealBox/2 - r*math.Cos(a)}
	}
	return pts
}

// SealSVG returns the seal of orgName as a self-contained inline <svg>
// element for HTML pages. It needs no font file: the browser draws the name
// with a serif CJK font.
func SealSVG(orgName string) string {
	name := html.EscapeString(sealName(orgName))
	red := fmt.Sprintf("#%02X%02X%02X", sealRed.R, sealRed.G, sealRed.B)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="seal" viewBox="0 0 %g %g" width="160" height="160" role="img" aria-label="%s">`,
		sealBox, sealBox, name)
	fmt.Fprintf(&b, `<title>%s</title>`, name)
	fmt.Fprintf(&b, `<circle cx="%g" cy="%g" r="%g" fill="none" stroke="%s" stroke-width="%g"/>`,
		sealBox/2, sealBox/2, sealRingOuter-sealRingWidth/2, red, sealRingWidth)
	b.WriteString(`<polygon points="`)
	for i, p := range starPoints() {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.2f,%.2f", p[0], p[1])
	}
	fmt.Fprintf(&b, `" fill="%s"/>`, red)
	if gs := sealLayout(orgName); len(gs) > 0 {
		fmt.Fprintf(&b, `<g fill="%s" font-family="'STSong','SimSun','Songti SC','Noto Serif CJK SC','Source Han Serif SC',serif" font-weight="bold" font-size="%.2f" text-anchor="middle" dominant-baseline="central">`,
			red, gs[0].size)
		for _, g := range gs {
			fmt.Fprintf(&b, `<text transform="translate(%.2f %.2f) rotate(%.2f) scale(%g 1)">%s</text>`,
				g.x, g.y, g.angle*180/math.Pi, sealCharWidth, html.EscapeString(string(g.r)))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// SealPNG draws the seal of orgName as a size×size PNG with a transparent
// background: a red ring, a five-pointed star, and the name along the upper
// arc. It needs the CJK font (see FontTTF).
func SealPNG(orgName string, size int) ([]byte, error) {
	b, err := sealPNG(orgName, size)
	return slices.Clone(b), err
}

// sealCache keeps recently drawn seals: an org stamps many documents.
var sealCache struct {
	sync.Mutex
	m map[sealKey][]byte
}

type sealKey struct {
	name string
	size int
}

// sealPNG is SealPNG with a cache; the bytes it returns are shared.
func sealPNG(orgName string, size int) ([]byte, error) {
	k := sealKey{sealName(orgName), size}
	sealCache.Lock()
	b, ok := sealCache.m[k]
	sealCache.Unlock()
	if ok {
		return b, nil
	}
	b, err := drawSeal(orgName, size)
	if err != nil {
		return nil, err
	}
	sealCache.Lock()
	if sealCache.m == nil || len(sealCache.m) >= 64 {
		sealCache.m = map[sealKey][]byte{}
	}
	sealCache.m[k] = b
	sealCache.Unlock()
	return b, nil
}

func drawSeal(orgName string, size int) ([]byte, error) {
	if size < 32 || size > 4096 {
		return nil, fmt.Errorf("印章尺寸 %d 像素超出范围（32–4096）", size)
	}
	ttf, err := fontTTF()
	if err != nil {
		return nil, err
	}
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("解析字体失败：%w", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	s := float64(size) / sealBox
	z := vector.NewRasterizer(size, size)
	src := image.NewUniform(sealRed)
	fill := func() {
		z.Draw(img, img.Bounds(), src, image.Point{})
		z.Reset(size, size)
	}

	// Ring: the outer circle clockwise and the inner one anticlockwise.
	circle(z, s, sealRingOuter, false)
	circle(z, s, sealRingOuter-sealRingWidth, true)
	fill()

	for i, p := range starPoints() {
		x, y := float32(p[0]*s), float32(p[1]*s)
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
	fill()

	var buf sfnt.Buffer
	gs := sealLayout(orgName)
	if len(gs) > 0 {
		em := gs[0].size * s
		ppem := fixed.Int26_6(math.Round(em * 64))
		mid := emMiddle(f, &buf, ppem)
		// Seals are cut in heavy strokes; embolden the regular face by
		// drawing each character a few times, slightly shifted.
		bold := em * 0.03
		offsets := [][2]float64{{0, 0}}
		for k := 0; k < 8; k++ {
			a := float64(k) * math.Pi / 4
			offsets = append(offsets, [2]float64{bold * math.Cos(a), bold * math.Sin(a)})
		}
		for _, g := range gs {
			idx, err := f.GlyphIndex(&buf, g.r)
			if err != nil || idx == 0 {
				return nil, fmt.Errorf("字体中没有字符“%c”，无法制作印章", g.r)
			}
			adv, err := f.GlyphAdvance(&buf, idx, ppem, font.HintingNone)
			if err != nil {
				return nil, err
			}
			segs, err := f.LoadGlyph(&buf, idx, ppem, nil)
			if err != nil {
				return nil, err
			}
			sin, cos := math.Sincos(g.angle)
			half := float64(adv) / 128
			for _, o := range offsets {
				tr := func(p fixed.Point26_6) (float32, float32) {
					// Character box centred on the origin, then turned and moved.
					x := (float64(p.X)/64-half)*sealCharWidth + o[0]
					y := float64(p.Y)/64 - mid + o[1]
					return float32(g.x*s + x*cos - y*sin), float32(g.y*s + x*sin + y*cos)
				}
				for _, seg := range segs {
					switch seg.Op {
					case sfnt.SegmentOpMoveTo:
						z.MoveTo(tr(seg.Args[0]))
					case sfnt.SegmentOpLineTo:
						z.LineTo(tr(seg.Args[0]))
					case sfnt.SegmentOpQuadTo:
						x1, y1 := tr(seg.Args[0])
						x2, y2 := tr(seg.Args[1])
						z.QuadTo(x1, y1, x2, y2)
					case sfnt.SegmentOpCubeTo:
						x1, y1 := tr(seg.Args[0])
						x2, y2 := tr(seg.Args[1])
						x3, y3 := tr(seg.Args[2])
						z.CubeTo(x1, y1, x2, y2, x3, y3)
					}
				}
				z.ClosePath()
			}
			// One fill for all the shifted copies: their coverage adds up
			// and is clamped, which gives their union.
			fill()
		}
	}

	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// circle adds a circle of radius r (seal units) around the seal's centre.
func circle(z *vector.Rasterizer, s, r float64, anticlockwise bool) {
	const n = 180
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i) / n
		if anticlockwise {
			a = -a
		}
		x, y := float32((sealBox/2+r*math.Cos(a))*s), float32((sealBox/2+r*math.Sin(a))*s)
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
}

// emMiddle returns the offset below the baseline (negative: above) of the
// vertical middle of a CJK character at ppem, measured on 国, which fills
// its em box.
func emMiddle(f *sfnt.Font, buf *sfnt.Buffer, ppem fixed.Int26_6) float64 {
	if idx, err := f.GlyphIndex(buf, '国'); err == nil && idx != 0 {
		if b, _, err := f.GlyphBounds(buf, idx, ppem, font.HintingNone); err == nil {
			return float64(b.Min.Y+b.Max.Y) / 128
		}
	}
	return -0.38 * float64(ppem) / 64
}
