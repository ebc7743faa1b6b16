// Package pgstore is a userevents.Store on PostgreSQL, through pgx (pgxpool). It passes
// the storetest conformance suite; see README.md for its design.
//
//	pool, err := pgxpool.New(ctx, dsn)
//	if err := pgstore.Migrate(ctx, pool); err != nil { ... }
//	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
package pgstore

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/internal/jsonstring"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Schema is the SQL that Migrate runs: idempotent, in the current search_path.
//
//go:embed schema.sql
var Schema string

// Migrate creates the tables and indexes of the store if they do not exist, and brings
// a database written by an earlier schema up to this one, in one transaction: it turns
// jsonb documents into json, and moves the rows of the earlier events table (which kept
// the whole user after and before each event) into the users' histories, losing nothing
// (see migrate.go and README.md).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// One migration at a time, whatever the number of processes starting.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7271501320)`); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if err := migrateJSONB(ctx, tx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if _, err := tx.Exec(ctx, Schema); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if err := migrateEvents(ctx, tx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if err := migrateDocs(ctx, tx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	return tx.Commit(ctx)
}

// Store is a userevents.Store on PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool     *pgxpool.Pool
	cache    *recordCache // nil: none
	replayed atomic.Int64 // the entries LoadUser has replayed, for tests
}

// New returns a Store on pool, whose tables Migrate has created, with the default
// Options (a cache of DefaultCacheSize users).
func New(pool *pgxpool.Pool) *Store { return NewWithOptions(pool, Options{}) }

// NewWithOptions returns a Store on pool, whose tables Migrate has created, configured
// by opts.
func NewWithOptions(pool *pgxpool.Pool, opts Options) *Store {
	return &Store{pool: pool, cache: newRecordCache(opts.CacheSize)}
}

var _ userevents.Store = (*Store)(nil)

// Reads decode without limits (userevents.Unlimited): the limits protect against
// hostile input, and the store reads back only what it was given, which may exceed them
// (a user grows event by event; values built in Go never met the decoder). A read must
// never fail on a limit that the write did not enforce.

const (
	typeConsumer = "CONSUMER"
	typeBusiness = "BUSINESS"
)

// LoadUser returns the record of userID, or userevents.ErrUserNotFound. The user's row
// holds the record's columns (version, type, locks, newest event timestamp, history,
// snapshot bookkeeping) and no user: a commit writes the event, not the user (see
// Commit), and the user is the replay of the history (userevents.Replay). LoadUser reads
// the row in one query; when the cache holds a record of userID and the row's xmin is the
// cached one (the row is the one the cached record was read from or written as), the
// cached record is returned. Otherwise the user is the newest snapshot at or before the
// row's version with the entries after it replayed, or, when the cache holds an earlier
// version of the same history after that snapshot, the cached user with the entries
// committed since: a second query (replayQuery). A row written by an earlier
// release still holds its user (doc), which is read as it is.
func (s *Store) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	var (
		rec       userevents.Record
		userType  string
		historyID *string
		doc       []byte
		xmin      uint32
	)
	cachedRec, cachedXmin, hit := s.cache.get(userID) // xmin 0 (InvalidTransactionId) is no row's
	err := s.pool.QueryRow(ctx, `SELECT xmin, version, user_type, kyc_risk_level_locked, cra_risk_level_locked, last_event_timestamp,
		history_id, snapshot_due, CASE WHEN xmin = $2::xid THEN NULL ELSE doc END FROM userevents_users WHERE user_id = $1`, userID, cachedXmin).
		Scan(&xmin, &rec.Version, &userType, &rec.KYCRiskLevelLocked, &rec.CRARiskLevelLocked, &rec.LastEventTimestamp,
			&historyID, &rec.SnapshotDue, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		s.cache.remove(userID)
		return userevents.Record{}, userevents.ErrUserNotFound
	}
	if err != nil {
		return userevents.Record{}, fmt.Errorf("pgstore: load user: %w", err)
	}
	if hit && xmin == cachedXmin {
		if rec.Version == cachedRec.Version {
			return cachedRec, nil
		}
		// The same xmin at another version: transaction ids wrapped around. Read again
		// without the cache.
		s.cache.remove(userID)
		return s.LoadUser(ctx, userID)
	}
	if historyID == nil {
		return userevents.Record{}, fmt.Errorf("%w: pgstore: user %q has no history (run Migrate)", userevents.ErrStoredData, userID)
	}
	rec.HistoryID = *historyID
	if doc != nil {
		rec.Consumer, rec.Business, err = decodeUser(userType, doc)
		if err != nil {
			return userevents.Record{}, fmt.Errorf("%w: pgstore: user %q: %w", userevents.ErrStoredData, userID, err)
		}
	} else {
		var start userevents.Record
		if hit && cachedRec.HistoryID == rec.HistoryID && cachedRec.Version < rec.Version {
			start = cachedRec
		}
		replayed, err := s.replay(ctx, start, rec.HistoryID, rec.Version)
		if err == nil && typeOf(replayed) != userType {
			err = fmt.Errorf("%w: pgstore: user %q is a %s user, and its history replays to a %s user", userevents.ErrStoredData, userID, userType, typeOf(replayed))
		}
		if err != nil {
			return userevents.Record{}, fmt.Errorf("pgstore: load user %q: %w", userID, err)
		}
		rec.Consumer, rec.Business = replayed.Consumer, replayed.Business
	}
	s.cache.put(userID, rec, xmin)
	return rec, nil
}

// replayQuery reads the entries of history $1 through version $3 from the newest
// snapshot at or before $3, or from version $2+1 when that is later: the entries a
// record of the history at version $2 (cached; 0 for none) needs to be brought to $3,
// and never more than a rebuild from the snapshot reads. With $2 = 0 it is the window
// a rebuild of version $3 reads (LoadHistory's first query).
const replayQuery = `SELECT ` + entryColumns + ` FROM userevents_history
	WHERE history_id = $1 AND version <= $3 AND version >= GREATEST($2::bigint + 1, COALESCE((SELECT max(version)
		FROM userevents_history WHERE history_id = $1 AND version <= $3 AND snapshot IS NOT NULL), 1))
	ORDER BY version`

// replay returns the record of history historyID at version: the newest snapshot at or
// before it with the entries after it replayed, or, when start (a record of the history
// at an earlier version, or the zero Record) is later than that snapshot, start with the
// entries after it.
func (s *Store) replay(ctx context.Context, start userevents.Record, historyID string, version int64) (userevents.Record, error) {
	rows, err := s.pool.Query(ctx, replayQuery, historyID, start.Version, version)
	if err != nil {
		return userevents.Record{}, fmt.Errorf("pgstore: load history: %w", err)
	}
	var entries []*userevents.StoredEvent
	yieldRows(rows, func(e *userevents.StoredEvent, yerr error) bool {
		if err = yerr; err != nil {
			return false
		}
		entries = append(entries, e)
		return true
	})
	switch {
	case err != nil:
		return userevents.Record{}, err
	case len(entries) == 0 || entries[len(entries)-1].Version != version:
		return userevents.Record{}, fmt.Errorf("%w: pgstore: history %q has no entries through version %d", userevents.ErrStoredData, historyID, version)
	case entries[0].Snapshot != nil:
		start = userevents.Record{} // a snapshot kept after start, or no start
	}
	s.replayed.Add(int64(len(entries)))
	return userevents.Replay(start, entries)
}

// entryColumns are the columns scanEntry reads.
const entryColumns = `history_id, version, event, outcome, snapshot`

// rawEntry is a row of entryColumns, not decoded yet.
type rawEntry struct {
	historyID                string
	version                  int64
	event, outcome, snapshot []byte
}

// scanRaw reads a row of entryColumns (the byte slices are copies: they outlive the row).
func scanRaw(row pgx.Row) (rawEntry, error) {
	var r rawEntry
	err := row.Scan(&r.historyID, &r.version, &r.event, &r.outcome, &r.snapshot)
	return r, err
}

// scanEntry decodes a row of entryColumns.
func scanEntry(row pgx.Row) (*userevents.StoredEvent, error) {
	r, err := scanRaw(row)
	if err != nil {
		return nil, err
	}
	return r.decode()
}

// decode decodes the entry.
func (r rawEntry) decode() (*userevents.StoredEvent, error) {
	historyID, version, event, outcome, snapshot := r.historyID, r.version, r.event, r.outcome, r.snapshot
	e := new(userevents.StoredEvent)
	if event != nil {
		var err error
		if e, err = userevents.DecodeStoredEvent(event, userevents.Unlimited()); err != nil {
			return nil, fmt.Errorf("%w: pgstore: event of history %q at version %d: %w", userevents.ErrStoredData, historyID, version, err)
		}
	}
	e.HistoryID, e.Version = historyID, version
	if err := decodeOutcome(outcome, e); err != nil {
		return nil, fmt.Errorf("%w: pgstore: outcome of history %q at version %d: %w", userevents.ErrStoredData, historyID, version, err)
	}
	if snapshot != nil {
		rec, err := decodeRecord(snapshot)
		if err != nil {
			return nil, fmt.Errorf("%w: pgstore: snapshot of history %q at version %d: %w", userevents.ErrStoredData, historyID, version, err)
		}
		rec.HistoryID = historyID
		e.Snapshot = &rec
	}
	return e, nil
}

// LoadEvent returns the entry of the event eventID, or userevents.ErrEventNotFound.
func (s *Store) LoadEvent(ctx context.Context, eventID string) (*userevents.StoredEvent, error) {
	e, err := scanEntry(s.pool.QueryRow(ctx, `SELECT `+entryColumns+` FROM userevents_history WHERE event_id = $1`, eventID))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, userevents.ErrEventNotFound
	case err != nil && !errors.Is(err, userevents.ErrStoredData):
		return nil, fmt.Errorf("pgstore: load event: %w", err)
	}
	return e, err
}

// historyPageQuery reads at most $3 entries of history $1 after version $2. With $2 = 0
// and $3 = 1 it reads the first entry (version 1, or the first a migration could keep
// of a broken chain: pgstore/README.md).
const historyPageQuery = `SELECT ` + entryColumns + ` FROM userevents_history
	WHERE history_id = $1 AND version > $2 ORDER BY version LIMIT $3`

// historyPage is the number of entries LoadHistory reads per query, after the first.
const historyPage = 256

// LoadHistory yields the entries of history historyID from the newest snapshot at or
// before version at, in pages. The first query, which the snapshot index serves, reads
// from that snapshot through version at (replayQuery; with at <= 1, the first entry):
// what a rebuild of version at needs, and no more (a first page of 256 entries for
// at <= 1 had the duplicate of a user's first event read 256 entries to rebuild its
// creation; the price is one more query for a read of a short history from its start,
// History's). One query to the newest entry would
// have the server read, detoast and send every later entry, snapshots included, to a
// caller that stops at at (UserAt of an early version cost the whole history). The next
// queries read the entries after the last one yielded, historyPage at a time, as long
// as the caller goes on; entries are never changed once written, so the pages join up.
func (s *Store) LoadHistory(ctx context.Context, historyID string, at int64) iter.Seq2[*userevents.StoredEvent, error] {
	return func(yield func(*userevents.StoredEvent, error) bool) {
		// Two statements, not one with both cases: a prepared statement's generic plan
		// cannot use "version <= at" as an index bound when the query says "at <= 1 OR
		// version <= at", and then scans, and filters, the whole rest of the history.
		var rows pgx.Rows
		var err error
		if at > 1 {
			rows, err = s.pool.Query(ctx, replayQuery, historyID, 0, at)
		} else {
			rows, err = s.pool.Query(ctx, historyPageQuery, historyID, 0, 1)
		}
		for page := 0; ; page++ {
			if err != nil {
				yield(nil, fmt.Errorf("pgstore: load history: %w", err))
				return
			}
			n, last, ok := yieldRows(rows, yield)
			// A short page limited to historyPage is the end; the first page stops at
			// at (or at the first entry), so it says nothing about what follows, unless
			// it ended before at: then the history did.
			if !ok || n == 0 || (page > 0 && n < historyPage) || (page == 0 && at > 1 && last < at) {
				return
			}
			rows, err = s.pool.Query(ctx, historyPageQuery, historyID, last, historyPage)
		}
	}
}

// yieldRows reads the entries of rows and closes them, so that the connection goes
// back to the pool before the caller sees an entry (the caller may use the store, or
// the pool, in its loop: holding the connection meanwhile deadlocked a loop that did so
// on a pool whose connections were all held by such loops); then it decodes and yields
// them, as far as the caller goes. It returns the number of entries yielded, the
// version of the last one, and false when it yielded an error or the caller stopped.
func yieldRows(rows pgx.Rows, yield func(*userevents.StoredEvent, error) bool) (n int, last int64, ok bool) {
	var page []rawEntry
	var err error
	for rows.Next() {
		var r rawEntry
		if r, err = scanRaw(rows); err != nil {
			break
		}
		page = append(page, r)
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	for _, r := range page {
		e, derr := r.decode()
		if derr != nil {
			yield(nil, derr)
			return n, last, false
		}
		n, last = n+1, e.Version
		if !yield(e, nil) {
			return n, last, false
		}
	}
	if err != nil {
		yield(nil, fmt.Errorf("pgstore: load history: %w", err))
		return n, last, false
	}
	return n, last, true
}

// Commit stores c in one statement, so in one round trip and atomically, without a
// transaction of its own: a data-modifying CTE writes the user's row, conditionally
// (an update on the version; an insert for version 0; a delete at the version and an
// insert for a re-key), and the history entry is inserted from the CTE's rows, so it is
// written only when the user's row was. The row gets the record's columns, not its user:
// the user after an entry is the replay of the entry on the user before it (the
// library's invariant, userevents.Replay), so the entry, which holds the event and, now
// and then, a snapshot, is all a commit writes that grows with the user; LoadUser
// replays it. Unique violations become ErrUserExists and ErrEventIDConflict (the whole
// statement then writes nothing), and no row written ErrVersionConflict (or
// ErrUserExists for a creation).
func (s *Store) Commit(ctx context.Context, c userevents.Commit) (err error) {
	newID := c.Record.UserID()
	switch {
	case newID == "":
		return errors.New("pgstore: the record holds no user")
	case c.Event == nil:
		return errors.New("pgstore: the commit has no history entry")
	case c.Event.Version != c.Record.Version || c.Event.HistoryID != c.Record.HistoryID || c.Record.HistoryID == "":
		return fmt.Errorf("pgstore: the history entry (version %d of %q) is not the record's (version %d of %q)",
			c.Event.Version, c.Event.HistoryID, c.Record.Version, c.Record.HistoryID)
	case c.Event.Snapshot == nil && (c.ExpectedVersion == 0 || c.Event.EventID == ""):
		return errors.New("pgstore: the history entry holds neither an event nor a snapshot (a creation's holds a snapshot)")
	}
	e := c.Event
	bp := buffers.Get().(*[]byte)
	defer putBuffer(bp)
	outcome, event, snapshot, err := writeEntry(bp, e)
	if err != nil {
		return err
	}
	var eventID *string
	userID := newID
	if e.EventID != "" {
		eventID, userID = &e.EventID, e.UserID
	}
	r := c.Record
	// $1-$8 are the history entry's ($8, args[argSnapshot], the snapshot), $9-$16 the user
	// row's, $17-$18 the expected row's.
	args := append(make([]any, 0, 18), e.HistoryID, e.Version, eventID, userID, e.Timestamp, event, outcome, snapshot,
		newID, r.Version, typeOf(r), r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp, r.HistoryID, r.SnapshotDue)
	sql, args := commitSQL(c, args)
	var xmin uint32
	err = s.pool.QueryRow(ctx, sql, args...).Scan(&xmin)
	if errors.Is(err, pgx.ErrNoRows) && c.ExpectedVersion != 0 && snapshot == nil {
		xmin, err = s.commitOverDoc(ctx, c, sql, args)
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows) && c.ExpectedVersion == 0:
		err = fmt.Errorf("%w: %q", userevents.ErrUserExists, newID)
	case errors.Is(err, pgx.ErrNoRows):
		err = fmt.Errorf("%w: %q is not at version %d", userevents.ErrVersionConflict, c.UserID, c.ExpectedVersion)
	}
	if err != nil {
		s.cache.remove(c.UserID)
		s.cache.remove(newID)
		return mapError(err)
	}
	if newID != c.UserID {
		s.cache.remove(c.UserID)
	}
	s.cache.put(newID, c.Record, xmin)
	return nil
}

// writeEntry writes the outcome, the event and the snapshot columns of e without
// reflection (the event with the library's encoder) into the pooled buffer *bp, and
// returns them as slices of it (pgx copies the arguments into its own buffer): event is
// nil for a creation, snapshot nil for an entry without one.
func writeEntry(bp *[]byte, e *userevents.StoredEvent) (outcome, event, snapshot []byte, err error) {
	buf, err := appendOutcome((*bp)[:0], e)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pgstore: encode outcome: %w", err)
	}
	outcomeEnd := len(buf)
	if e.EventID != "" {
		buf, _ = e.AppendJSON(buf)
	}
	eventEnd := len(buf)
	if e.Snapshot != nil {
		buf = appendRecord(buf, *e.Snapshot)
	}
	*bp = buf
	outcome, event, snapshot = buf[:outcomeEnd:outcomeEnd], buf[outcomeEnd:eventEnd:eventEnd], buf[eventEnd:]
	if e.EventID == "" {
		event = nil
	}
	if e.Snapshot == nil {
		snapshot = nil
	}
	return outcome, event, snapshot, nil
}

// commitOverDoc is Commit's second try when its statement, for an entry without a
// snapshot, matched no row. The statement writes no such entry over a row that holds a
// doc (an earlier release's user, which the history need not replay to): when the row
// does hold one, it commits again with the record as the entry's snapshot, so that the
// next rebuilds start from it. It returns pgx.ErrNoRows when the row is not at the
// expected version (a version conflict), and its own error when the check failed.
func (s *Store) commitOverDoc(ctx context.Context, c userevents.Commit, sql string, args []any) (xmin uint32, err error) {
	var hasDoc bool
	err = s.pool.QueryRow(ctx, `SELECT doc IS NOT NULL FROM userevents_users WHERE user_id = $1 AND version = $2 AND history_id = $3`,
		c.UserID, c.ExpectedVersion, c.Record.HistoryID).Scan(&hasDoc)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || err == nil && !hasDoc:
		return 0, pgx.ErrNoRows
	case err != nil:
		return 0, fmt.Errorf("pgstore: commit: %w", err) // not a version conflict: the check failed
	}
	args[argSnapshot] = appendRecord(nil, c.Record)
	err = s.pool.QueryRow(ctx, sql, args...).Scan(&xmin)
	return xmin, err
}

// argSnapshot is the index in Commit's arguments of the entry's snapshot ($8).
const argSnapshot = 7

// commitSQL returns the statement of commit c and args, its first 16 arguments, with
// those after them appended ($17-$18, the expected row's): an insert for a creation, an
// update at the expected version, or for a re-key a delete of the old row and an insert
// of the new one. The row's doc, the user as an earlier release wrote it, is set to
// NULL: the row no longer holds its user.
func commitSQL(c userevents.Commit, args []any) (string, []any) {
	switch {
	case c.ExpectedVersion == 0:
		return `WITH u AS (` + insertUser + ` VALUES ($9, $10, $11, $12, $13, $14, $15, $16, NULL)
			ON CONFLICT (user_id) DO NOTHING RETURNING 1) ` + insertEntry, args
	case c.Record.UserID() == c.UserID:
		return `WITH u AS (UPDATE userevents_users SET version = $10, user_type = $11, kyc_risk_level_locked = $12,
			cra_risk_level_locked = $13, last_event_timestamp = $14, snapshot_due = $16, doc = NULL
			WHERE user_id = $9 AND version = $17 AND history_id = $15 AND ($8::json IS NOT NULL OR doc IS NULL) RETURNING 1) ` + insertEntry,
			append(args, c.ExpectedVersion)
	default:
		return `WITH u AS (DELETE FROM userevents_users WHERE user_id = $18 AND version = $17 AND history_id = $15 AND ($8::json IS NOT NULL OR doc IS NULL) RETURNING 1),
			n AS (` + insertUser + ` SELECT $9, $10, $11, $12, $13, $14, $15, $16, NULL FROM u) ` + insertEntry,
			append(args, c.ExpectedVersion, c.UserID)
	}
}

// insertUser is the INSERT of a user row, followed by its VALUES or SELECT of $9-$16 and
// a NULL doc.
const insertUser = `INSERT INTO userevents_users
		(user_id, version, user_type, kyc_risk_level_locked, cra_risk_level_locked, last_event_timestamp, history_id, snapshot_due, doc)`

// insertEntry inserts the history entry $1-$8 once per row of the CTE u (none or one),
// and returns the transaction id that wrote it, which is the xmin of the user's row too.
const insertEntry = `INSERT INTO userevents_history (history_id, version, event_id, user_id, timestamp, event, outcome, snapshot)
	SELECT $1::text, $2::bigint, $3::text, $4::text, $5::float8, $6::json, $7::json, $8::json FROM u RETURNING xmin`

// mapError turns unique violations into the library's sentinels.
func mapError(err error) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != "23505" { // unique_violation
		return err
	}
	switch {
	case pg.ConstraintName == "userevents_history_event_id_key":
		return fmt.Errorf("%w: %s", userevents.ErrEventIDConflict, pg.Detail)
	case pg.TableName == "userevents_users":
		return fmt.Errorf("%w: %s", userevents.ErrUserExists, pg.Detail)
	}
	return err
}

// decodeUser decodes a user of the given type, without limits.
func decodeUser(userType string, doc []byte) (c *userevents.ConsumerUser, b *userevents.BusinessUser, err error) {
	switch userType {
	case typeConsumer:
		c, err = userevents.DecodeConsumerUser(doc, userevents.Unlimited())
	case typeBusiness:
		b, err = userevents.DecodeBusinessUser(doc, userevents.Unlimited())
	default:
		err = fmt.Errorf("unknown user type %q", userType)
	}
	return c, b, err
}

// typeOf returns the user type of r as the user_type column holds it.
func typeOf(r userevents.Record) string {
	if r.Consumer != nil {
		return typeConsumer
	}
	return typeBusiness
}

// buffers are the buffers Commit encodes into: a snapshot of a 15 KB user is not
// allocated anew every time.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

func putBuffer(bp *[]byte) {
	if cap(*bp) <= 1<<20 { // a buffer grown for a huge user is left to the collector
		buffers.Put(bp)
	}
}

// recordJSON is a Record in a snapshot column (its history is the row's), as
// appendRecord writes it. C and B are the consumer and the business user:
// json.RawMessage when read (the users are then decoded without limits).
type recordJSON[C, B any] struct {
	Consumer           C       `json:"consumer,omitempty"`
	Business           B       `json:"business,omitempty"`
	Version            int64   `json:"version"`
	KYCRiskLevelLocked bool    `json:"kycRiskLevelLocked,omitempty"`
	CRARiskLevelLocked bool    `json:"craRiskLevelLocked,omitempty"`
	LastEventTimestamp float64 `json:"lastEventTimestamp,omitempty"`
	SnapshotDue        int64   `json:"snapshotDue,omitempty"`
}

// appendRecord appends r as recordJSON does (the json.Marshal of a recordJSON), its user
// written with the library's encoder.
func appendRecord(dst []byte, r userevents.Record) []byte {
	dst = append(dst, '{')
	switch {
	case r.Consumer != nil:
		dst = append(dst, `"consumer":`...)
		dst, _ = r.Consumer.AppendJSON(dst)
		dst = append(dst, ',')
	case r.Business != nil:
		dst = append(dst, `"business":`...)
		dst, _ = r.Business.AppendJSON(dst)
		dst = append(dst, ',')
	}
	return appendRecordColumns(dst, r.Version, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp, r.SnapshotDue)
}

// appendRawRecord appends r, whose user is JSON as a store holds it, as appendRecord
// does: the user's bytes as they are, with no limit on their depth (json.Marshal would
// refuse a user nested past 10,000 levels, which the store accepts).
func appendRawRecord(dst []byte, r v1Record) []byte {
	dst = append(dst, '{')
	switch {
	case r.Consumer != nil:
		dst = append(dst, `"consumer":`...)
		dst = append(append(dst, r.Consumer...), ',')
	case r.Business != nil:
		dst = append(dst, `"business":`...)
		dst = append(append(dst, r.Business...), ',')
	}
	return appendRecordColumns(dst, r.Version, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp, r.SnapshotDue)
}

// appendRecordColumns appends the members of a record after its user, and closes it.
func appendRecordColumns(dst []byte, version int64, kycLocked, craLocked bool, lastEventTimestamp float64, snapshotDue int64) []byte {
	dst = append(dst, `"version":`...)
	dst = strconv.AppendInt(dst, version, 10)
	if kycLocked {
		dst = append(dst, `,"kycRiskLevelLocked":true`...)
	}
	if craLocked {
		dst = append(dst, `,"craRiskLevelLocked":true`...)
	}
	if lastEventTimestamp != 0 {
		dst = append(dst, `,"lastEventTimestamp":`...)
		dst = strconv.AppendFloat(dst, lastEventTimestamp, 'g', -1, 64)
	}
	if snapshotDue != 0 {
		dst = append(dst, `,"snapshotDue":`...)
		dst = strconv.AppendInt(dst, snapshotDue, 10)
	}
	return append(dst, '}')
}

// decodeRecord reads a record that appendRecord (or json.Marshal of a recordJSON) wrote.
// The user may nest deeper than encoding/json reads (10,000 levels), so only the
// members after it go through encoding/json: they are scalars, so the last
// `,"version":` of the text is the record's own, and the user is what comes before it.
func decodeRecord(data []byte) (userevents.Record, error) {
	var j recordJSON[json.RawMessage, json.RawMessage]
	const consumer, business = `{"consumer":`, `{"business":`
	if i := bytes.LastIndex(data, []byte(`,"version":`)); i > len(consumer) {
		user, rest := data[len(consumer):i], append([]byte{'{'}, data[i+1:]...)
		switch {
		case bytes.HasPrefix(data, []byte(consumer)):
			j.Consumer, data = user, rest
		case bytes.HasPrefix(data, []byte(business)):
			j.Business, data = user, rest
		}
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return userevents.Record{}, err
	}
	r := userevents.Record{Version: j.Version, KYCRiskLevelLocked: j.KYCRiskLevelLocked, CRARiskLevelLocked: j.CRARiskLevelLocked,
		LastEventTimestamp: j.LastEventTimestamp, SnapshotDue: j.SnapshotDue}
	var err error
	if j.Consumer != nil {
		if r.Consumer, err = userevents.DecodeConsumerUser(j.Consumer, userevents.Unlimited()); err != nil {
			return userevents.Record{}, fmt.Errorf("consumer user: %w", err)
		}
	}
	if j.Business != nil {
		if r.Business, err = userevents.DecodeBusinessUser(j.Business, userevents.Unlimited()); err != nil {
			return userevents.Record{}, fmt.Errorf("business user: %w", err)
		}
	}
	return r, nil
}

// outcomeJSON is the outcome of an entry: everything of a StoredEvent that its wire
// format, its keys and its snapshot lack.
type outcomeJSON struct {
	optionsJSON
	Level           string                 `json:"level,omitempty"`
	Changes         []string               `json:"changes,omitempty"`
	StateTransition *userevents.Transition `json:"stateTransition,omitempty"`
	KYCTransition   *userevents.Transition `json:"kycTransition,omitempty"`
	Converted       bool                   `json:"converted,omitempty"`
	Replayed        []string               `json:"replayed,omitempty"`
	Late            bool                   `json:"late,omitempty"` // Replayed is set, maybe empty
}

// optionsJSON is the query flags of an event in the outcome column (the same in the
// earlier schema's).
type optionsJSON struct {
	AllowUserTypeConversion bool  `json:"allowUserTypeConversion,omitempty"`
	LockKYCRiskLevel        *bool `json:"lockKycRiskLevel,omitempty"`
	LockCRARiskLevel        *bool `json:"lockCraRiskLevel,omitempty"`
	ChangeUserID            bool  `json:"changeUserId,omitempty"`
}

func optionsOf(o userevents.Options) optionsJSON {
	return optionsJSON{AllowUserTypeConversion: o.AllowUserTypeConversion, LockKYCRiskLevel: o.LockKYCRiskLevel,
		LockCRARiskLevel: o.LockCRARiskLevel, ChangeUserID: o.ChangeUserID}
}

func (o optionsJSON) options() userevents.Options {
	return userevents.Options{AllowUserTypeConversion: o.AllowUserTypeConversion, LockKYCRiskLevel: o.LockKYCRiskLevel,
		LockCRARiskLevel: o.LockCRARiskLevel, ChangeUserID: o.ChangeUserID}
}

// The levels in the outcome column, by name (a Level's number is not a stable format).
var levels = map[userevents.Level]string{userevents.Strict: "strict", userevents.Compatible: "compatible"}

// appendOutcome appends the outcome column of e: the bytes json.Marshal writes for its
// outcomeJSON (TestAppendOutcomeIsMarshal), without reflection.
func appendOutcome(dst []byte, e *userevents.StoredEvent) ([]byte, error) {
	level, ok := levels[e.Level]
	if !ok {
		return dst, fmt.Errorf("unknown level %v", e.Level)
	}
	start := len(dst)
	dst = append(dst, '{')
	// member writes the name of the next member, after a comma unless it is the first.
	member := func(name string) {
		if len(dst) > start+1 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, '"', ':')
	}
	// The members in the order of outcomeJSON's fields, each left out when empty, as
	// its omitempty tags say.
	boolean := func(name string, v bool) {
		if v {
			member(name)
			dst = append(dst, "true"...)
		}
	}
	flag := func(name string, v *bool) {
		if v != nil {
			member(name)
			dst = strconv.AppendBool(dst, *v)
		}
	}
	strs := func(name string, v []string) {
		if len(v) > 0 {
			member(name)
			dst = append(dst, '[')
			for i, s := range v {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = jsonstring.Append(dst, s)
			}
			dst = append(dst, ']')
		}
	}
	transition := func(name string, t *userevents.Transition) {
		if t != nil {
			member(name)
			dst = append(dst, `{"From":`...)
			dst = jsonstring.Append(dst, t.From)
			dst = append(dst, `,"To":`...)
			dst = jsonstring.Append(dst, t.To)
			dst = append(dst, '}')
		}
	}
	o := e.Options
	boolean("allowUserTypeConversion", o.AllowUserTypeConversion)
	flag("lockKycRiskLevel", o.LockKYCRiskLevel)
	flag("lockCraRiskLevel", o.LockCRARiskLevel)
	boolean("changeUserId", o.ChangeUserID)
	member("level")
	dst = jsonstring.Append(dst, level)
	strs("changes", e.Changes)
	transition("stateTransition", e.StateTransition)
	transition("kycTransition", e.KYCTransition)
	boolean("converted", e.Converted)
	strs("replayed", e.Replayed)
	boolean("late", e.Replayed != nil) // Replayed is set, maybe empty
	return append(dst, '}'), nil
}

// decodeOutcome reads the outcome column into e.
func decodeOutcome(data []byte, e *userevents.StoredEvent) error {
	var o outcomeJSON
	if err := json.Unmarshal(data, &o); err != nil {
		return err
	}
	e.Options = o.options()
	e.Level = -1
	for l, name := range levels {
		if name == o.Level {
			e.Level = l
		}
	}
	if e.Level < 0 {
		return fmt.Errorf("unknown level %q", o.Level)
	}
	e.Changes = o.Changes
	e.StateTransition = o.StateTransition
	e.KYCTransition = o.KYCTransition
	e.Converted = o.Converted
	e.Replayed = o.Replayed
	if o.Late && e.Replayed == nil {
		e.Replayed = []string{}
	}
	return nil
}
