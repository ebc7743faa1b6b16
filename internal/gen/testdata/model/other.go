package fixture

// This file is not a model file: its declarations are read (the rule flags, the check
// methods, the amount check, the Record), its structs are not generated.

type rule uint32

const (
	rRequired rule = 1 << iota
	rNonempty
	rMin4
	rTs
	rTsmax
	rDob
	rEmail
	rScore
	rText
	rName
	rNonneg
	rId
)

// Record holds the user: equal and diff are generated for what it holds. Its other
// members make them cover every kind of member.
type Record struct {
	Consumer *ConsumerUser
	Version  int64
	Required *Required
	Response *Response
	Nonneg   *Nonneg
	Ts       *Ts
	Tsmax    *Tsmax
	Item     *Item
}

// check is a hand-written check of ID.
func (v *ID) check(c *vctx) {}

// amount is the hand-written check of an amount: Amount is the amount type.
func (c *vctx) amount(name string, a *Amount, r rule) {}
