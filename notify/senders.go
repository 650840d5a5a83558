package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// LogSender "delivers" messages by writing them to the log. Development only:
// it lets a newcomer log in with a one-time code without an SMS contract.
type LogSender struct{ Log *slog.Logger }

// Send logs the message, code included.
func (s LogSender) Send(_ context.Context, m Message) error {
	s.Log.Info("开发模式短信（未真实发送）", "to", m.RecipientMasked, "body", m.Body)
	return nil
}

// HTTPSender posts each message as JSON {"to","body","id"} to an SMS gateway
// URL and treats any 2xx answer as delivered. Most SMS providers, or a small
// adapter in front of them, accept this shape.
type HTTPSender struct {
	URL    string
	Token  string // sent as "Authorization: Bearer …" when set
	Client *http.Client
}

// Send delivers m through the gateway.
func (s HTTPSender) Send(ctx context.Context, m Message) error {
	body, _ := json.Marshal(map[string]string{"id": m.ID, "to": m.Recipient, "body": m.Body})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.Token)
	}
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sms gateway answered %s", resp.Status)
	}
	return nil
}
