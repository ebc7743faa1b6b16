package httpapi

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// The settings of NewServer.
const (
	// ReadHeaderTimeout is how long a client has to send a request's headers, from the
	// connection or from the end of the previous request.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout is how long a client has to send a whole request, body included: a
	// 1 MiB body at 35 KiB/s.
	ReadTimeout = 30 * time.Second
	// WriteTimeout is how long a request may take from the end of its headers to the end
	// of the response: a full batch on a slow database included. The API's handler moves
	// a request's write deadline to its Config.RequestTimeout plus ReplyTimeout, which by
	// default add up to WriteTimeout.
	WriteTimeout = 60 * time.Second
	// IdleTimeout is how long a keep-alive connection may wait for its next request.
	IdleTimeout = 60 * time.Second
	// MaxHeaderBytes bounds a request's headers: the API needs a few hundred bytes.
	MaxHeaderBytes = 16 << 10
	// DefaultMaxConns is the default cap on open connections for LimitListener.
	DefaultMaxConns = 4096
)

// NewServer returns an http.Server for h with the timeouts and header limit above, its
// own errors logged to log at level Warn (nil: discarded). Every request reaches h:
// net/http's own answer to "OPTIONS *" (200, no body) is turned off, so that it too gets
// the API's JSON (404).
func NewServer(h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:                      h,
		ReadHeaderTimeout:            ReadHeaderTimeout,
		ReadTimeout:                  ReadTimeout,
		WriteTimeout:                 WriteTimeout,
		IdleTimeout:                  IdleTimeout,
		MaxHeaderBytes:               MaxHeaderBytes,
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// LimitListener returns a listener that keeps at most n connections of ln open at once:
// past n, Accept waits until one closes (the kernel queues the new ones meanwhile).
func LimitListener(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
