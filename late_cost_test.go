package userevents_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

// frozenStore is a memstore whose commits, once frozen, are dropped: a late event applied
// to it again and again meets the same history every time.
type frozenStore struct {
	*memstore.Store
	frozen bool
}

// Commit commits c, or once s is frozen drops it.
func (s *frozenStore) Commit(ctx context.Context, c userevents.Commit) error {
	if s.frozen {
		return nil
	}
	return s.Store.Commit(ctx, c)
}

// TestLateEventCostIndependentOfUser checks that under TimestampOrder a one-field late
// event costs about as much on a user with 9,000 tags and 9,000 external links as on a
// minimal user: the Result's changes are found by walking what changed, not by encoding
// both users.
func TestLateEventCostIndependentOfUser(t *testing.T) {
	fat := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}
	for i := 0; i < 9000; i++ {
		fat.Tags = append(fat.Tags, userevents.UserTag{Key: "k" + strconv.Itoa(i), Value: "v"})
		fat.ExternalLinks = append(fat.ExternalLinks, "https://example.com/"+strconv.Itoa(i))
	}
	minimal := &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}
	ctx := context.Background()
	cost := func(u *userevents.ConsumerUser) (allocs, bytes float64) {
		s := &frozenStore{Store: memstore.New()}
		p := userevents.NewProcessor(s, userevents.Config{Order: userevents.TimestampOrder})
		if err := p.CreateConsumerUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		later := mustDecode(t, userevents.DecodeEvent, `{"timestamp":1700042700000,"userId":"u1","eventId":"e2","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}}`)
		if _, err := p.Apply(ctx, later, userevents.Options{}); err != nil {
			t.Fatal(err)
		}
		s.frozen = true
		late := mustDecode(t, userevents.DecodeEvent, `{"timestamp":1700042400000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":{"occupation":"pilot"}}`)
		apply := func() {
			res, err := p.Apply(ctx, late, userevents.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Replayed) != 1 || len(res.Changes) != 1 || res.Changes[0] != "occupation" {
				t.Fatalf("not applied late: replayed %v, changes %v", res.Replayed, res.Changes)
			}
		}
		return userevents.CostPerRun(50, apply)
	}
	minAllocs, minBytes := cost(minimal)
	fatAllocs, fatBytes := cost(fat)
	t.Logf("late one-field event: minimal user %.0f allocations, %.0f bytes; 9,000 tags and links %.0f, %.0f",
		minAllocs, minBytes, fatAllocs, fatBytes)
	if fatAllocs > 2*minAllocs+10 || fatBytes > 2*minBytes+4096 {
		t.Errorf("a late one-field event on a user with 9,000 tags and links: %.0f allocations, %.0f bytes; on a minimal user: %.0f, %.0f",
			fatAllocs, fatBytes, minAllocs, minBytes)
	}
}
