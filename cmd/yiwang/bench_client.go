package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// loopClient makes the measured requests: plain HTTP/1.1 on kept-alive
// loopback connections, one request at a time on each, written and read by
// the calling goroutine. The harness runs in the server's process, on the
// same two cores, so what its clients spend is taken from the server:
// net/http's client spent about 14 % of the submit workload's CPU, a third
// of it in the two goroutines it keeps per connection and the hand-offs
// between them and the caller. Logins and uploads, which are not measured,
// still go through net/http's client (benchClient); the session cookie it
// was given is sent on every request.
type loopClient struct {
	addr   string // host:port
	host   string
	origin string
	cookie string // the Cookie header, "" none
	idle   chan *loopConn
}

// loopConn is a kept-alive connection with its buffers.
type loopConn struct {
	c   net.Conn
	r   *bufio.Reader
	w   *bufio.Writer
	buf bytes.Buffer // the last answer's body
}

// loopTimeout bounds one request, as benchClient's Timeout does.
const loopTimeout = 10 * time.Second

// newLoopClient is a client of base for conc concurrent requests, sending
// the cookies jar holds for base (nil: none).
func newLoopClient(base string, conc int, jar http.CookieJar) (*loopClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	lc := &loopClient{addr: u.Host, host: u.Host, origin: base, idle: make(chan *loopConn, conc)}
	if jar != nil {
		var cs []string
		for _, c := range jar.Cookies(u) {
			cs = append(cs, c.Name+"="+c.Value)
		}
		lc.cookie = strings.Join(cs, "; ")
	}
	return lc, nil
}

// conn takes an idle connection or dials a new one.
func (lc *loopClient) conn() (*loopConn, error) {
	select {
	case c := <-lc.idle:
		return c, nil
	default:
	}
	c, err := net.DialTimeout("tcp", lc.addr, loopTimeout)
	if err != nil {
		return nil, err
	}
	return &loopConn{c: c, r: bufio.NewReaderSize(c, 16<<10), w: bufio.NewWriterSize(c, 8<<10)}, nil
}

// put keeps c for the next request, or closes it when enough are kept.
func (lc *loopClient) put(c *loopConn) {
	select {
	case lc.idle <- c:
	default:
		c.c.Close()
	}
}

// get fetches path and fails unless the answer is 200.
func (lc *loopClient) get(path string) error {
	return lc.do(http.MethodGet, path, nil, nil, func(status int, body []byte) error {
		if status != http.StatusOK {
			return fmt.Errorf("GET %s: %d %.200s", path, status, body)
		}
		return nil
	})
}

// do sends a request with the given extra headers (name, value, …) and
// body, and hands the answer's status and body to check, whose error it
// returns. The body is the connection's buffer, valid only during check.
func (lc *loopClient) do(method, path string, headers []string, body []byte, check func(status int, body []byte) error) error {
	c, err := lc.conn()
	if err != nil {
		return err
	}
	status, out, keep, err := c.roundTrip(lc, method, path, headers, body)
	if err == nil {
		err = check(status, out)
	}
	if keep {
		lc.put(c)
	} else {
		c.c.Close()
	}
	return err
}

// roundTrip writes one request and reads its answer in full.
func (c *loopConn) roundTrip(lc *loopClient, method, path string, headers []string, body []byte) (status int, out []byte, keep bool, err error) {
	if err := c.c.SetDeadline(time.Now().Add(loopTimeout)); err != nil {
		return 0, nil, false, err
	}
	w := c.w
	w.WriteString(method)
	w.WriteByte(' ')
	w.WriteString(path)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(lc.host)
	w.WriteString("\r\nUser-Agent: yiwang-bench\r\n")
	if lc.cookie != "" {
		w.WriteString("Cookie: ")
		w.WriteString(lc.cookie)
		w.WriteString("\r\n")
	}
	if method != http.MethodGet {
		w.WriteString("Origin: ")
		w.WriteString(lc.origin)
		w.WriteString("\r\nContent-Length: ")
		w.WriteString(strconv.Itoa(len(body)))
		w.WriteString("\r\n")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		w.WriteString(headers[i])
		w.WriteString(": ")
		w.WriteString(headers[i+1])
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
	w.Write(body)
	if err := w.Flush(); err != nil {
		return 0, nil, false, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, nil, false, err
	}
	c.buf.Reset()
	_, err = c.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, nil, false, err
	}
	return resp.StatusCode, c.buf.Bytes(), !resp.Close, nil
}
