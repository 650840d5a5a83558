package render

import (
	"bytes"
	"errors"

	"github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"
)

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

// QRPNG renders text as a PNG QR code (error correction level M, with a
// quiet zone) for printing on documents.
func QRPNG(text string) ([]byte, error) {
	if text == "" {
		return nil, errors.New("二维码内容为空")
	}
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := standard.NewWithWriter(nopCloser{&buf}, standard.WithBuiltinImageEncoder(standard.PNG_FORMAT),
		standard.WithQRWidth(8), standard.WithBorderWidth(16))
	if err := q.Save(w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
