// Command httpserver serves Flagright's consumer user event API from the userevents
// library and its in-memory store, with the handler package httpapi: the smallest
// complete server. The userevents program (cmd/userevents, "userevents serve") is the
// one to run in production: the same handler, on PostgreSQL, with a cap on connections,
// access logs and graceful shutdown.
//
//	USEREVENTS_API_KEY=secret go run ./examples/httpserver -addr 127.0.0.1:8080
package main

import (
	"flag"
	"log"
	"net"
	"os"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/httpapi"
	"github.com/compliancekit/userevents/memstore"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	store := memstore.New()
	h, err := httpapi.New(httpapi.Config{
		APIKey:    os.Getenv("USEREVENTS_API_KEY"),
		Processor: userevents.NewProcessor(store, userevents.Config{}),
	})
	if err != nil {
		log.Fatal(err) // no USEREVENTS_API_KEY
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on %s", ln.Addr())
	log.Fatal(httpapi.NewServer(h, nil).Serve(ln))
}
