//go:build race

package main

// raceEnabled is true under -race, whose shadow memory inflates the server's.
const raceEnabled = true
