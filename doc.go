// Package userevents holds the domain logic of Flagright's consumer user events
// (POST /events/consumer/user): strict decoding of Flagright's JSON, validation with
// precise field paths, and the rules that apply an event to a stored consumer user.
package userevents

//go:generate go run ./internal/gen
