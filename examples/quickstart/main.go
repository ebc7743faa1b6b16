// Command quickstart shows the main flows of userevents with the in-memory store: it
// creates users, applies a series of realistic consumer user events and prints what
// happened to each.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

func main() {
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), userevents.Config{Transitions: userevents.StrictLifecycle})

	// 1. Create a consumer user and a business user, from Flagright's JSON.
	ada, err := userevents.DecodeConsumerUser([]byte(`{
		"userId": "ada", "createdTimestamp": 1700000000000,
		"userDetails": {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "dateOfBirth": "1985-12-10", "countryOfResidence": "GB"},
		"userStateDetails": {"state": "CREATED"},
		"kycStatusDetails": {"status": "NOT_STARTED"},
		"contactDetails": {"addresses": [{"addressLines": ["12 St James's Square"], "city": "London", "country": "United Kingdom"}]}
	}`))
	check(err)
	check(p.CreateConsumerUser(ctx, ada))
	acme, err := userevents.DecodeBusinessUser([]byte(`{
		"userId": "acme", "createdTimestamp": 1700000000000,
		"legalEntity": {"companyGeneralDetails": {"legalName": "ACME Sole Trader"}},
		"userStateDetails": {"state": "ACTIVE"}
	}`))
	check(err)
	check(p.CreateBusinessUser(ctx, acme))
	fmt.Println("created users ada (consumer) and acme (business)")

	events := []struct {
		what string
		body string
		opts userevents.Options
	}{
		{"KYC in progress", `{"timestamp": 1700000100000, "userId": "ada", "eventId": "ev-1", "reason": "documents uploaded",
			"updatedConsumerUserAttributes": {"kycStatusDetails": {"status": "IN_PROGRESS"}}}`, userevents.Options{}},
		{"KYC successful, with the passport checked", `{"timestamp": 1700000200000, "userId": "ada", "eventId": "ev-2",
			"updatedConsumerUserAttributes": {"kycStatusDetails": {"status": "SUCCESSFUL", "reason": "passport verified"},
			"legalDocuments": [{"documentType": "passport", "documentNumber": "925076473", "documentIssuedCountry": "GB",
			"documentIssuedDate": 1600000000000, "documentExpirationDate": 1900000000000}]}}`, userevents.Options{}},
		{"state to ACTIVE", `{"timestamp": 1700000300000, "userId": "ada", "eventId": "ev-3", "reason": "onboarding complete",
			"updatedConsumerUserAttributes": {"userStateDetails": {"state": "ACTIVE"}}}`, userevents.Options{}},
		{"an address change", `{"timestamp": 1700000400000, "userId": "ada", "eventId": "ev-4",
			"updatedConsumerUserAttributes": {"contactDetails": {"addresses": [{"addressLines": ["1 Ockham Park"], "city": "Ripley", "country": "United Kingdom"}]}}}`, userevents.Options{}},
		{"the same event again", `{"timestamp": 1700000400000, "userId": "ada", "eventId": "ev-4",
			"updatedConsumerUserAttributes": {"contactDetails": {"addresses": [{"addressLines": ["1 Ockham Park"], "city": "Ripley", "country": "United Kingdom"}]}}}`, userevents.Options{}},
		{"a bad event", `{"timestamp": 1700000500, "userId": "ada", "eventId": "ev-5",
			"updatedConsumerUserAttributes": {"userDetails": {"dateOfBirth": "1985-02-30", "countryOfResidence": "XX"},
			"contactDetails": {"emailIds": ["ada.example.com"]}}}`, userevents.Options{}},
		{"a state change the lifecycle refuses", `{"timestamp": 1700000600000, "userId": "ada", "eventId": "ev-6",
			"updatedConsumerUserAttributes": {"userStateDetails": {"state": "CREATED"}}}`, userevents.Options{}},
		{"an event for the business user, without the flag", `{"timestamp": 1700000700000, "userId": "acme", "eventId": "ev-7",
			"updatedConsumerUserAttributes": {"userDetails": {"name": {"firstName": "Wile", "lastName": "Coyote"}}}}`, userevents.Options{}},
		{"the same, allowing the conversion and keeping the user ACTIVE", `{"timestamp": 1700000700000, "userId": "acme", "eventId": "ev-8",
			"updatedConsumerUserAttributes": {"userDetails": {"name": {"firstName": "Wile", "lastName": "Coyote"}},
				"userStateDetails": {"state": "ACTIVE"}}}`,
			userevents.Options{AllowUserTypeConversion: true}},
	}
	for _, e := range events {
		fmt.Printf("\n== %s\n", e.what)
		ev, err := userevents.DecodeEvent([]byte(e.body))
		if err == nil {
			var r *userevents.Result
			if r, err = p.Apply(ctx, ev, e.opts); err == nil {
				report(r)
				continue
			}
		}
		var ve *userevents.ValidationError
		if errors.As(err, &ve) {
			fmt.Printf("refused (HTTP %d), %d problems:\n", userevents.HTTPStatus(err), len(ve.Fields))
			for _, f := range ve.Fields {
				fmt.Printf("  %s: %s (%s)\n", f.Path, f.Message, f.Code)
			}
			continue
		}
		fmt.Printf("refused (HTTP %d): %v\n", userevents.HTTPStatus(err), err)
	}

	stored, err := p.Event(ctx, "ev-2")
	check(err)
	fmt.Printf("\nevent ev-2 as stored: version %d, changes %s\n", stored.Version, strings.Join(stored.Changes, ", "))
}

func report(r *userevents.Result) {
	switch {
	case r.Duplicate:
		fmt.Printf("duplicate of %s: nothing changed, the stored outcome is returned (version %d)\n", r.Event.EventID, r.Record.Version)
		return
	case r.Converted:
		fmt.Printf("converted business user %q to a consumer user\n", r.Previous.Business.UserID)
	}
	fmt.Printf("applied %s: version %d, changed %s\n", r.Event.EventID, r.Record.Version, strings.Join(r.Changes, ", "))
	if t := r.StateTransition; t != nil {
		fmt.Printf("  state %s -> %s\n", or(t.From, "(none)"), t.To)
	}
	if t := r.KYCTransition; t != nil {
		fmt.Printf("  KYC %s -> %s\n", or(t.From, "(none)"), t.To)
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
