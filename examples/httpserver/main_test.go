package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestRefusesWithoutKey runs the example without USEREVENTS_API_KEY: it must not serve.
// The handler itself is tested in httpapi, and the program in cmd/userevents.
func TestRefusesWithoutKey(t *testing.T) {
	if os.Getenv("HTTPSERVER_MAIN") == "1" {
		os.Args = []string{"httpserver", "-addr", "127.0.0.1:0"}
		main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRefusesWithoutKey$")
	cmd.Env = append(os.Environ(), "HTTPSERVER_MAIN=1", "USEREVENTS_API_KEY=")
	if err := cmd.Run(); err == nil {
		t.Fatal("the example started without an API key")
	}
}
