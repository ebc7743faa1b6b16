// Package fixture is the small model of the generator's golden tests: one struct per
// check rule, and one per other construct the generator knows (pointers, arrays, enums,
// a union, embedding, the partial update). It is read, never compiled.
package fixture

// Color is an enum.
type Color string

const (
	ColorRed  Color = "RED"
	ColorBlue Color = "BLUE"
)

// Shade is an enum whose values are an array literal, as the country codes' are.
type Shade string

var shades = [...]Shade{"LIGHT", "DARK"}

// Required has a required member of each kind the rule applies to.
type Required struct {
	Name  string          `json:"name" check:"required"`
	Color Color           `json:"color" check:"required"`
	Items []Item          `json:"items" check:"required"`
	Raw   json.RawMessage `json:"raw" check:"required"`
}

// Nonempty has a string with minLength 1.
type Nonempty struct {
	Value *string `json:"value,omitempty" check:"nonempty"`
}

// Min4 has a string of at least 4 characters.
type Min4 struct {
	Digits *string `json:"digits,omitempty" check:"min4"`
}

// Ts has a timestamp.
type Ts struct {
	At float64 `json:"at" check:"required,ts"`
}

// Tsmax has a bounded timestamp.
type Tsmax struct {
	Until *float64 `json:"until,omitempty" check:"tsmax"`
}

// Dob has a date of birth.
type Dob struct {
	Date *string `json:"date,omitempty" check:"dob"`
}

// Email has an email address and a list of them.
type Email struct {
	Address *string  `json:"address,omitempty" check:"email"`
	More    []string `json:"more,omitempty" check:"email"`
}

// Score has a risk score.
type Score struct {
	Score *float64 `json:"score,omitempty" check:"score"`
}

// Text has free text.
type Text struct {
	Comment *string `json:"comment,omitempty" check:"text"`
}

// Name has person names.
type Name struct {
	First   string   `json:"first" check:"required,name"`
	Aliases []string `json:"aliases,omitempty" check:"name"`
}

// Nonneg has an amount that is not negative.
type Nonneg struct {
	Limit *Amount `json:"limit,omitempty" check:"nonneg"`
}

// Amount is an amount.
type Amount struct {
	Value    decimal.Decimal `json:"value" check:"required"`
	Currency Color           `json:"currency" check:"required"`
}

// ID has ids, required and optional.
type ID struct {
	UserID  string  `json:"userId" check:"required,id"`
	OtherID *string `json:"otherId,omitempty" check:"id"`
}

// Item is an element of an array, with the other scalar kinds.
type Item struct {
	Count  *int    `json:"count,omitempty"`
	Flag   *bool   `json:"flag,omitempty"`
	Colors []Color `json:"colors,omitempty"`
	Plain  string  `json:"plain,omitempty"`
}

// Payment is a union: the member its method names.
type Payment struct {
	Card *Card `method:"CARD"`
	Cash *Cash `method:"CASH"`
}

// Card is a member of Payment.
type Card struct {
	Last4 *string `json:"last4,omitempty" check:"min4"`
}

// Cash is a member of Payment.
type Cash struct {
	Receipt *string `json:"receipt,omitempty"`
}

// Tag is a key-value pair.
type Tag struct {
	Key   string `json:"key" check:"required"`
	Value string `json:"value" check:"required"`
}

// ConsumerUser is the user, with the rules only a user has: noattr (a member updates
// do not carry) and bykey (tags merged by key), and the partial update made from it.
type ConsumerUser struct {
	UserID   string    `json:"userId" check:"required,id,noattr"`
	Name     *Name     `json:"name,omitempty"`
	Tags     []Tag     `json:"tags,omitempty" check:"bykey"`
	Payments []Payment `json:"payments,omitempty"`
	Active   bool      `json:"active" check:"required"`
	internal int       `json:"-"`
}

// Event embeds nothing but refers to the update.
type Event struct {
	UserID  string                  `json:"userId" check:"required,id"`
	Updated *ConsumerUserAttributes `json:"updated,omitempty" patch:"ConsumerUser"`
}

// Response embeds the user.
type Response struct {
	ConsumerUser
	Message *string `json:"message,omitempty"`
}

// Hooked has a member that a hand-written method decodes (decode:"hook").
type Hooked struct {
	Items []Item `json:"items" check:"required" decode:"hook"`
}

// Hooks embeds Hooked: its decoder calls the hook on the embedded value.
type Hooks struct {
	Hooked
	Name string `json:"name,omitempty"`
}
