// Package userevents holds the domain logic of Flagright's consumer user events
// (POST /events/consumer/user): strict decoding of Flagright's JSON, validation with
// precise field paths, and the rules that apply an event to a stored consumer user.
//
// # Model and wire format
//
// ConsumerUser is Flagright's UserWithRulesResult, ConsumerUserEvent its
// ConsumerUserEvent, ConsumerUserAttributes its UserOptional (the partial update),
// StoredEvent its ConsumerUserEventWithRulesResult, EventBatch its
// ConsumerUserEventBatchRequest. Member names, nesting, enums and JSON types are those of
// Flagright's model; json.Marshal of any model value gives Flagright's wire format, with
// absent optional members omitted. Decoding then encoding a valid document gives the same
// JSON value, key order aside. Write a user, an event or a response with its AppendJSON
// method, into a buffer you reuse: it is the generated encoder, with no reflection and no
// allocation beyond the buffer's growth. json.Marshal stays correct, and is slower: it
// re-reads and compacts what the MarshalJSON methods return, which costs about seven
// times the writing.
//
// Optional scalars are pointers (nil: absent), optional enums and codes use "" for
// absent, optional arrays are nil when absent and non-nil when present (even empty).
// Timestamps are float64 milliseconds since the Unix epoch. Amount values are exact
// decimals (shopspring/decimal), decoded from and written as JSON numbers with no float
// conversion; the package never sets decimal's package-level variables and its encoding
// does not depend on them. Address.country is free text; only CountryCode fields take
// country codes. ExecutedLogicVars.value and ListMatchedEntity.settings are arbitrary
// JSON, kept compacted. The legacy userStateDetails.userId and kycStatusDetails.userId
// of the seed document are accepted and must equal the user's id. lastTransactionTimestamp,
// which the current model lacks but Flagright's OpenAPI document (2025-03) has on User,
// UserOptional and Business and older SDKs send, is accepted on consumer users, business
// users and updates: an optional number, unchecked as that document leaves it.
//
// BusinessUser types the members it shares with consumer users and keeps its
// business-only structures (legal entity, shareholders, directors, associated parties,
// business partners, MCC details) as JSON, so that it round-trips without loss.
//
// # Decoding
//
// DecodeEvent, DecodeConsumerUser, DecodeBusinessUser and DecodeEventBatch (and the
// UnmarshalJSON methods, with default limits) decode strictly: well-formed JSON only;
// UTF-8 only (invalid bytes and unpaired surrogate escapes are errors); one top-level
// value (trailing data is an error); the required members present; only the model's
// members, each once, spelt exactly
// (a member that matches only case-insensitively is unknown); the model's JSON types;
// null only where it means something (in an update; on a required member it is a
// "required" problem, elsewhere a type problem); no empty string where "" would mean
// absent (eventId, newUserId, optional enums); and within Limits: 1 MiB document,
// nesting depth 64, 10,000 elements per array, 64 KiB per string, 256 bytes per user or
// event id, amount values of at most 30 digits before and 30 after the point; other
// numbers within the range of a double (out_of_range beyond it, and for a number that is
// not 0 but below the smallest double, which would read back as 0). Decoding
// collects every structural problem it meets; a syntax error or a limit ends it. A path
// repeats an unknown member's name (and ParseOptions and ParseQuery an unknown
// parameter's) at most 64 bytes long: backslashes and characters that are not printable
// (controls, format characters such as U+202E) are escaped, and a longer name is cut
// with "…", so that a hostile name cannot flood or forge a log line. So does a path
// within a raw JSON member (legalEntity, a rule's vars), whose keys are the sender's
// (a duplicate key, a string over the limit there).
// Decoding does not check values: Validate does.
//
// The limits bound input from outside, not what the library accepted: a stored user grows
// event by event past them (a user's document, an event's outcome holding the user before
// and after), and values built in Go never met the decoder. So a Store that decodes what
// it stored reads it with Unlimited (an event in its wire format with DecodeStoredEvent),
// and a read never fails on a limit that the write did not enforce; storetest holds
// every Store to this with users and events at and beyond each limit.
//
// encoding/json (v1) accepts duplicate and case-variant members, invalid UTF-8 and
// unpaired surrogates, and has no limits; the library therefore decodes with its own
// generated, reflection-free decoder (see TestStdlibIsLenient and docs/BENCHMARKS.md),
// and so needs no JSON dependency.
//
// # Validation
//
// Problems are reported together in one *ValidationError, each a FieldError with a Path
// rooted at the document ("updatedConsumerUserAttributes.legalDocuments[0].documentIssuedCountry"),
// a Code (CodeRequired ... CodeNotAllowed) and a Message that says what was expected
// and never repeats the value.
//
// Compatible is Flagright's published schema (what Flagright's official SDK refuses in
// its strict parsing, Compatible refuses too: interop/test/differential.test.mjs): required members; enums, with
// Flagright's CountryCode and CurrencyCode lists; timestamps in [315529200000,
// 4133890801000] (milliseconds; so the seed's "timestamp": 1.1 is out_of_range);
// documentIssuedDate and documentExpirationDate at most 4133890801000; minLength 1 where
// the OpenAPI document says so (code out_of_range; required members that are empty are
// "required"); cardLast4Digits at least 4 characters (the OpenAPI document also gives a
// maxLength of 4, which the library does not enforce: the reference data carries longer
// values); dateOfBirth matching ^(\d{4}-\d{2}-\d{2})*$.
//
// Strict, the default (the zero Level), adds:
//   - dateOfBirth is a real calendar date, from 1900-01-01, and in an event not after the
//     event's day (in UTC) (a user validated alone has no such bound);
//   - a legal document is not issued after it expires (documentIssuedDate, inconsistent);
//   - email ids (contactDetails.emailIds, payment emailId) are bare addresses (net/mail);
//   - transaction limits and expected income are not negative; amounts carry no more
//     fraction digits than the currency's minor unit (golang.org/x/text/currency: JPY 0,
//     EUR 2, BHD 3), or 18 for other codes (crypto assets);
//   - strings hold no control characters (C0, DEL, C1); free text (reasons, descriptions,
//     comments, address lines, instructions) may hold tab and newline;
//   - person names (ConsumerName, aliases) are normalised to Unicode NFC when applied
//     and when a user is created;
//   - user, event and batch ids (userId, eventId, newUserId, a batch's batchId, and the
//     other user ids: the legacy userId members, parentUserId, an attachment's userId)
//     are ones a REST path and a log line carry as they are: not "." or ".."
//     (GET /events/consumer/user/.. cannot name them), not only white space, and no
//     control, format (U+202E and the other bidirectional overrides, zero-width spaces,
//     the BOM) or line-separator characters (invalid_format). Compatible accepts them,
//     as Flagright does;
//   - risk scores lie in [0, 100];
//   - newUserId comes with the ChangeUserID flag, and ChangeUserID with newUserId
//     (Compatible, as Flagright, ignores either one without the other: the user keeps
//     its id);
//   - an event's timestamp is at most Config.FutureSkew (default 24 hours) ahead of
//     Config.Clock (default time.Now), else "timestamp" out_of_range: one event dated
//     2099 would otherwise become the record's newest timestamp for good, and under
//     RejectStale make every real event after it stale. Apply and Processor.Apply check
//     it; Validate, which has no Config, does not.
//   - an event may not take the user's tags or externalLinks, the lists that grow event
//     by event, past 10,000 elements (DefaultLimits().MaxArrayLength; too_large on
//     updatedConsumerUserAttributes.tags, externalLinks or
//     updatedConsumerUserAttributes.externalLinks), so that the stored user always goes
//     back through the decoder's default array limit; a list already longer may stay so.
//
// At both levels a value built in Go, not decoded, is held to what the decoder accepts,
// so that a store can read back what it was given: strings are valid UTF-8
// (invalid_format), and a raw JSON member (a business user's legalEntity, a rule's vars)
// is one well-formed value, each member of an object once (invalid_json,
// duplicate_field), and not null when required; and a member of a partial update is
// never set to a nil pointer or list (Set(nil); invalid_type: the decoder reads null as
// Null, which removes a value), since it would be stored as {} or [] and read back as
// another update than the one applied.
//
// At both levels newUserId must differ from userId when ChangeUserID is set, and ids
// (userId, eventId, newUserId, the legacy userId members, a batch's batchId) hold no
// NUL (U+0000; invalid_format, from the decoders as they read): an id is a key, and a
// key must be storable as text by any database. The queries (Processor.User, Event,
// History, UserAt, UserAsOf) answer not found for an id with NUL or invalid UTF-8
// without asking the Store, since no commit can have stored it.
// Elsewhere NUL is accepted as the level says (Compatible anywhere, Strict only inside
// raw JSON such as a business user's legalEntity), and every shipped Store stores it.
//
// # Applying an event
//
// Apply(current, ev, opts, cfg) is pure: it validates ev (at cfg.Level, with opts), then:
//
//  1. The user must exist (ErrUserNotFound).
//  2. A business user is refused with ErrUserTypeMismatch unless
//     opts.AllowUserTypeConversion; with it the user is cut down to userId and
//     createdTimestamp (as Flagright does), the event applies to that, and the whole
//     business record stays in Result.Previous and in the history (UserAt of any
//     version before the conversion). The business
//     user's state and KYC status are the From of the transitions (step 4), so the
//     transition rule is asked (a dropped state is a change to ""), and the changes are
//     judged against the business record: every member the conversion dropped or
//     changed is listed.
//  3. updatedConsumerUserAttributes is merged: an absent member keeps the stored value;
//     an object merges member by member, at every depth; an object given in an update
//     carries its required members, as Flagright's schema says (userStateDetails its
//     state, a name its firstName, an amount its value and currency); an array
//     replaces the stored array whole ([] empties it), except the user's top-level tags,
//     merged by key: stored tags whose key the update names are dropped, the rest keep
//     their order, and the update's tags follow, each key once: a key given twice
//     keeps its last value, at its last place, as if the update's tags applied one by
//     one (so [a:9 b:3 a:8] gives [b:3 a:8]; "tags": [] changes nothing; null
//     removes them all); null removes the member, and null on a required member
//     (userStateDetails.state, name.firstName, ...) is a "required" problem.
//  4. When userStateDetails.state or kycStatusDetails.status changes and the update
//     gives that object no reason, the reason becomes the event's reason, or is removed:
//     never the stale reason of the old state (Flagright keeps it; this is a deliberate
//     fix). Every change passes cfg.Transitions (default: all allowed; StrictLifecycle
//     documents a lifecycle); a refusal is ErrTransitionNotAllowed wrapped with the
//     field, from and to. Removing the state or status is a change to "".
//  5. riskLevel and kycRiskLevel apply as attributes. opts.LockKYCRiskLevel and
//     LockCRARiskLevel set (true) or clear (false) the record's locks; nil keeps them.
//     A flag alone, with no attributes, is a valid event. cfg.Scorer, when set,
//     computes riskScoreDetails after the merge; a locked level keeps its previous value
//     and the score it came with (kycRiskScore with kycRiskLevel, craRiskScore with
//     craRiskLevel), so the stored score and level never contradict each other (a
//     conversion keeps the record's locks, and the locked levels are then the business
//     record's). The
//     stored event carries the user's riskScoreDetails after the event, as Flagright's
//     ConsumerUserEventWithRulesResult does (none without a Scorer).
//  6. With opts.ChangeUserID and newUserId the user is re-keyed (the legacy userId
//     members follow); cfg.CanChangeUserID may refuse; the store refuses a taken id
//     (ErrUserExists).
//  7. The event's externalLinks are appended to the user's, without duplicates, order
//     kept.
//  8. The Result has the new user, the previous and the next record, the changed paths
//     (sorted, rooted at the user: "userStateDetails.state", "legalDocuments"), the state
//     and KYC transitions, whether it converted, and the event as stored. A member is
//     changed when its JSON value changes: an amount of 1.50 set to 1.5 is no change.
//     Objects are compared member by member and arrays whole; an object the event
//     creates lists the members it holds ("userDetails.name.firstName", and
//     "riskScoreDetails.craRiskScore" for the Scorer's), one it removes is its own path.
//     The paths are the same whether the event was merged in order or folded late.
//  9. The merged user is valid: every value the update sets is validated (before step 1), and
//     merged objects keep their required members. The parts of the stored user that the
//     event does not touch are not validated again: they were when written. So the cost
//     of Apply grows with the update, not with the stored user. Under Strict the
//     growing lists stay within 10,000 elements (see Validation); the size of the user
//     as a whole is not bounded (no check may cost the stored user's size), which is
//     one reason why stores read without limits.
//
// # Order of events
//
// By default (Config.Order = ArrivalOrder, as Flagright) events apply in arrival order,
// whatever their timestamps; the record keeps the newest timestamp applied, and
// cfg.StaleEvents = RejectStale refuses an older event with ErrStaleEvent.
//
// Under TimestampOrder events take effect in the order of their timestamps, ties in
// commit order, whatever their arrival order: the current record is always the fold
// (Fold) of the user's creation and its timeline. An event no older than the newest one
// applied goes on top, as under ArrivalOrder and at the same cost. A late one takes
// effect at its place: the Processor finds the newest committed version whose events all
// come before it, and applies the late event and the events after it (from their stored
// entries, with their own flags) on top of that version's record; the result is
// committed as a new version, with a snapshot (history stays append-only: nothing
// committed before changes). Every transition along the way is asked of the transition
// rule in timeline order, and every merged user must be valid: if any later event is
// refused on top of the late one, the late event is refused with that error and nothing
// changes. Its Result lists the events it went before (Replayed), the changes of the
// current record (which may be none: a KYC IN_PROGRESS of 10:00 that arrives after the
// SUCCESSFUL of 10:05 is in the history and leaves the user SUCCESSFUL), and its own
// transitions at its place. Its cost grows with the events after it and what they
// change, not with the user or its history: the changes are found by walking the two
// users, past what they share. (It is committed with its record as a snapshot, which
// memstore keeps as shared values but a Store that writes records, such as pgstore,
// writes whole: see pgstore's README.) The events after it are applied again as it is, with the
// Processor's Config of now (its Level, transition rule, Scorer, and CanChangeUserID,
// which is asked again of a re-key among them): the current record is what today's rules
// make of the timeline. For distinct timestamps the final record does not depend on the
// arrival order. An event names its user by the user's current id (the Processor loads
// the user by it): an event sent before a re-key and delivered after it must be sent to
// the new id; in the timeline it still applies at its place, where the legacy userId
// members it sets take the id the user had there. A late event that re-keys
// the user must name a free id (ErrUserExists), as an event on top must, even when a
// later re-key of the timeline takes the user on to another id; the Processor checks
// that id when it applies the event (the Store checks only the id it commits), so a
// user created under it by another process at that very moment is not seen. RejectStale refuses late
// events under either order.
//
// # Stores and the Processor
//
// A Store (four methods) keeps Records and each user's history of StoredEvents; memstore
// is the in-memory one, storetest.Run the conformance suite for others. A Record holds a
// consumer or a business user, its Version (the number of commits: 1 when created, +1
// per event; 0 for none), the two risk-level locks, the newest event timestamp, and the
// id and snapshot bookkeeping of its history. Commit writes a record and its history
// entry atomically, only if the stored version still equals ExpectedVersion (0: the user
// must not exist) and the event id is new across all users; a re-key stores the record
// under its new id and frees the old one, and the history goes with the user.
//
// Records, entries and Results are shared, read-only values: a Store keeps what Commit
// is given and hands the same values out (memstore copies nothing), Apply shares with
// its input what an event did not change (down to each object: an object the event
// names but leaves exactly as it was, to the written form of its numbers, is the stored
// one; so is the user itself when the event changes nothing of it, and no later step
// writes into it: the event's externalLinks, a re-key, the Scorer), so a caller Clones
// what it wants to change.
// Commit and Processor.Apply take ownership of what they are given. storetest.Checked
// catches a write into a shared value in tests. The Processor and the shipped Stores are
// safe for concurrent use (the tests run with -race), no input makes them panic (the
// decoders and Apply are fuzzed), and an event's cost grows with the event, not with
// the stored user, its history or the number of users and events stored (see
// TestApplyCostIndependentOfUser and TestApplyCostIndependentOfStoreSize).
//
// What a store accepted it reads back, whatever its size, depth, array lengths and
// string lengths (see Decoding), and it stores every string the library accepts, NUL
// included. Data a store holds but cannot read is the server's fault: the store returns
// ErrStoredData, the Processor wraps with it any *ValidationError that comes out of a
// Store read, and HTTPStatus maps it to 500, never 400.
//
// # History
//
// Every commit appends one entry to the user's history (Record.HistoryID names it; it
// survives re-keys and conversions): the creation (version 1, no event), then one
// StoredEvent per applied event. An entry is compact: the event as sent, its flags, the
// level it was applied at, the risk scores it produced, its changes and transitions, so
// it costs about the size of the event, not of the user. Now and then an entry also
// holds the whole record after it (Snapshot): the library keeps one when the events
// logged since the last snapshot add up, in bytes of JSON (estimated: keys and strings by
// their length, 8 bytes a number, 5 a boolean), to a part of that record's size, so
// snapshots cost at most a fixed multiple of the events' bytes and a past record is at
// most a fraction of a user's worth of events away from one. The part is a quarter by
// default (a Store that writes records whole, as pgstore, pays four times the events'
// bytes at most); a Store may choose another with a method SnapshotRatio() int (1 to
// 64): memstore, whose snapshots share every member the events did not replace, takes
// a sixteenth, so that a past state is a sixteenth of a user's worth of events away
// from a snapshot. The creation always holds one.
//
// The Processor answers from the history:
//   - User: the current record;
//   - History: the user's events in commit order, including those committed under an
//     earlier id or before a conversion;
//   - UserAt(v): the record exactly as committed at version v (user, locks, type: a
//     converted user's versions before the conversion are business records): the
//     newest snapshot at or before v, with the entries after it replayed. A replay is
//     the pure merge of the stored event with its stored flags, level and risk scores;
//     the rules that can only refuse (transitions, CanChangeUserID, stale events, the
//     clock) are not asked again, so a past state never depends on today's Config;
//   - UserAsOf(T): under ArrivalOrder, the record at the last version whose newest
//     applied timestamp is at most T; under TimestampOrder, the fold of the events up
//     to T in timestamp order, each with its stored scores unless a late event landed
//     before it since (then the Scorer scores it again, as the late event's fold did);
//     the created record counts from the user's createdTimestamp, before which the user
//     is ErrUserNotFound;
//   - the retry of an applied event (same id, same event and flags): the same outcome as
//     the first time, its records rebuilt from the history.
//
// That replay is the function Replay. Of every commit the Processor makes, the user of
// the record is the replay of its entry on the user before it, so a Store may keep a
// user as its history and rebuild it on load with Replay (pgstore does: a commit then
// writes the event, not the user).
//
// For example, a user created on 1 March (version 1), given a KYC IN_PROGRESS on 2 March
// (version 2) and SUCCESSFUL on 5 March (version 3): UserAt(2) and UserAsOf(3 March)
// both give the record with the status IN_PROGRESS; History lists the two events, each
// with its changes and KYC transition (NEW is not implied: "" to IN_PROGRESS, then
// IN_PROGRESS to SUCCESSFUL). docs/HISTORY.md walks through it, with what is stored.
//
// Processor.Apply validates, then:
//   - gives an event without eventId a random (version 4) UUID, returned in the result;
//   - replays: an eventId already stored with the same event and flags, compared by value
//     (member order, spacing, 1.0 versus 1 do not matter), returns the stored outcome
//     with Result.Duplicate set, commits nothing and calls no Config hook; the same id
//     with anything else is ErrEventIDConflict. The id is looked up before the user is
//     loaded, except a generated one (it is new: the Store's refusal of a taken id at
//     the commit is enough), and once more when the event is refused or its commit
//     finds the id taken: another process may have stored it meanwhile (a client's
//     retry sent elsewhere), and its stored outcome is then the answer;
//   - loads, applies, commits. Events for one user id wait for each other within a
//     Processor (a lock per user id, from the replay check to the commit), so a hot user
//     never makes its own events conflict; different users run in parallel. A version
//     conflict then comes only from another writer of the Store (another process): Apply
//     reloads and applies again after a jittered backoff capped at MaxBackoff, until the
//     context ends (the default) or after Config.MaxRetries retries when it is positive;
//   - reports success only for a committed event; after an ambiguous store error,
//     retrying the same event (same id) converges: it applies once, then replays;
//   - stops with the context's error when the context ends.
//
// DecodeEventBatch lets a record fail alone: when the batch is well-formed JSON, a record
// that breaks a rule of decoding (an unknown member, a wrong type, a 257-byte eventId, a
// nesting or array limit inside it) is set apart in EventBatch.RecordErrors instead of
// failing the batch, and ApplyEventBatch reports it as a failed record (INVALID_EVENT,
// under its eventId when that decoded, else "") in its place, while the others apply;
// nothing is dropped silently, and what is left of such a record in EventBatch.Data
// (its eventId alone) cannot be applied by mistake. The batch fails whole only when it
// is not well-formed JSON, breaks a limit of its own (size, number of records), or its
// own members are wrong (a batchId is an id: at most Limits.MaxIDBytes, no NUL, and
// under Strict the id rule of Validation, checked by ApplyEventBatch).
//
// ApplyBatch applies events in input order and reports like Flagright's batch: status
// SUCCESS, PARTIAL_FAILURE or FAILURE, successful and failed counts, failedRecords with
// the event id and a reason code (ReasonCode: ID_NOT_FOUND for a missing user, one code
// per error kind), and each event's own result or error; an empty batch is a SUCCESS. HTTPStatus maps errors to the
// statuses of Flagright's API. ParseQuery reads the query flags from the raw query and
// refuses whatever it cannot parse (a ';', a bad %-escape), with no cap on the number of
// parameters; ParseOptions reads them from url.Values, which has already dropped such
// parameters (url.ParseQuery's error is easy to miss: r.URL.Query() discards it), so a
// server should use ParseQuery. ParsePageQuery reads a paged route's page and pageSize
// with the same rules (whole numbers, each at most once, nothing else).
//
// The zero Config is the default: Strict, all transitions allowed, arrival order,
// version conflicts retried until the context ends, no scorer.
//
// # Decisions
//
// Where the library departs on purpose from Flagright, or from its own first design:
//   - a state or KYC change never keeps the old state's reason (step 4; Flagright keeps
//     it);
//   - Strict refuses a timestamp more than Config.FutureSkew ahead of the clock
//     (Flagright accepts any timestamp in range);
//   - version conflicts are retried until the context ends, not a small bounded number
//     of times: with a bound, a burst of events for one user from other processes (a
//     KYC vendor's webhooks) came back as 409 to callers that did nothing wrong;
//     Config.MaxRetries bounds the retries when it is positive;
//   - records, history entries and Results are shared, read-only values, not copies
//     (the first design's "loaded records and events are copies"): a copy per load
//     made an event's cost grow with the stored user, and the memory of a history with
//     the square of its events; Clone what you change (storetest.Checked catches a
//     write in tests). Processor.Apply and ApplyBatch take ownership of the events they
//     are given: the history keeps them as they are;
//   - a conversion's business record is in Result.Previous and in the history (UserAt
//     of the versions before it), not in the stored event, which stays the event as
//     sent;
//   - the value of an ExecutedLogicVars is kept as the same JSON value, compacted (its
//     white space removed), not byte for byte;
//   - HTTPStatus maps ErrStaleEvent to 409 Conflict, not 500: the event is refused
//     because of what is stored, as a version conflict is, and nothing failed on the
//     server;
//   - an empty batch is a SUCCESS: none of its events failed.
//
// # Personal data
//
// The model types print through fmt (Format) and log/slog (LogValue) redacted: their
// structure, enums (an enum or code member that holds none of its type's values, which
// the decoders take and Validate refuses, is redacted too), numbers, booleans and user
// and event ids, and [redacted] for every other string (names, dates of birth, document numbers, emails, phone numbers,
// addresses, card and account details). Record, Result and BatchItem print their users
// the same way. Error messages say what was expected, never what was found (paths name
// the member, not its value). json.Marshal gives everything: it is the wire format.
//
// What is safe to log: a single model value, or a pointer to one, given to fmt or to
// log/slog directly (slog.Any("user", u)); a *ValidationError and the other errors of
// the package; and anything wrapped in Redact. log/slog resolves LogValue only on the
// value it is given, so a slice or map of model values (slog.Any("docs",
// u.LegalDocuments)), or a model value inside a struct of yours, reaches the JSON
// handler whole and is written with json.Marshal, personal data included: wrap such
// values in Redact (slog.Any("docs", userevents.Redact(u.LegalDocuments))), which
// redacts any model value, pointer, slice, array or map of them, at any depth, and
// anything else it does not know (strings, raw JSON, other structs) entirely. Never log
// the bytes of a request body or json.Marshal's output.
//
// # The check tags
//
// The struct tags `check:"..."` of the model are read by internal/gen, which generates
// the validators, decoders and merges from them:
//
//	required  the member is required (REQUIRED in Flagright's model)
//	nonempty  minLength 1 in Flagright's OpenAPI document (empty: out_of_range)
//	min4      at least 4 characters (cardLast4Digits)
//	ts        a timestamp in [315529200000, 4133890801000]
//	tsmax     a timestamp at most 4133890801000
//	dob       a date of birth (see Validation)
//	email     a bare email address, under Strict
//	score     a risk score in [0, 100], under Strict
//	text      free text: tab and newline allowed
//	name      a person name: NFC under Strict
//	nonneg    an amount that is not negative, under Strict
//	id        a user or event id, bounded by Limits.MaxIDBytes
//	noattr    a ConsumerUser member that updates do not carry
//	bykey     the user's tags, merged by key
package userevents

//go:generate go run ./internal/gen -model interop/model.json user.go event.go payment.go rules.go money.go riskLevel.go enums.go codes.go
