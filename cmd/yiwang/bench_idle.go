package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// idle measures the server's resident set size at rest: this binary's
// `serve` in a process of its own on the bench data (demo district and
// catalog loaded, nothing requested but /healthz), read two seconds after it
// answered. The harness's own memory (the loaded data, its clients) is not
// in it. The line has n 0 and only rss_mb set.
func (b *benchRun) idle(ctx context.Context) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if strings.HasSuffix(exe, ".test") {
		fmt.Fprintln(b.log, "bench: idle needs the yiwang binary, not a test binary: skipped")
		return nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"serve", "--data", b.cfg.Data, "--addr", addr}
	if b.cfg.DB != "" {
		args = append(args, "--db", b.cfg.DB)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	for _, kv := range os.Environ() { // the flags above decide, not the caller's YIWANG_* settings
		if !strings.HasPrefix(kv, "YIWANG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	if err := waitHealthy("http://"+addr, 60*time.Second); err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	rss := rssOf(strconv.Itoa(cmd.Process.Pid))
	report(b.out, benchResult{Workload: "idle", Backend: b.backend, RSSMB: rss}, nil, 0, 0)
	return nil
}
