package web

import (
	"bytes"
	"encoding/base64"
	"html/template"

	"github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"
)

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

// qrDataURL renders text as a PNG QR code in a data: URL, which the CSP
// allows for images; notices print it so a phone can open the tracker.
func qrDataURL(text string) (template.URL, error) {
	q, err := qrcode.New(text)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w := standard.NewWithWriter(nopCloser{&buf}, standard.WithBuiltinImageEncoder(standard.PNG_FORMAT),
		standard.WithQRWidth(6), standard.WithBorderWidth(12))
	if err := q.Save(w); err != nil {
		return "", err
	}
	// The content is our own PNG, so the URL is safe to put in src.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}
