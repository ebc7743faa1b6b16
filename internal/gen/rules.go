package main

import "strings"

// rule is one value of the check tag.
type rule struct {
	name string
	flag bool   // checked by validate.go's helpers, through the rule flag r<Name>
	doc  string // as the package documentation lists it (doc.go, "The check tags")
}

// rules are the values a check tag may hold, in the order of validate.go's rule flags.
// doc.go lists them for readers and validate.go declares the flags: load fails when the
// flags differ, and TestRulesDocumented when the documentation does.
var rules = []rule{
	{"required", true, "the member is required (REQUIRED in Flagright's model)"},
	{"nonempty", true, "minLength 1 in Flagright's OpenAPI document (empty: out_of_range)"},
	{"min4", true, "at least 4 characters (cardLast4Digits)"},
	{"ts", true, "a timestamp in [315529200000, 4133890801000]"},
	{"tsmax", true, "a timestamp at most 4133890801000"},
	{"dob", true, "a date of birth (see Validation)"},
	{"email", true, "a bare email address, under Strict"},
	{"score", true, "a risk score in [0, 100], under Strict"},
	{"text", true, "free text: tab and newline allowed"},
	{"name", true, "a person name: NFC under Strict"},
	{"nonneg", true, "an amount that is not negative, under Strict"},
	{"id", true, "a user or event id, bounded by Limits.MaxIDBytes"},
	{"noattr", false, "a ConsumerUser member that updates do not carry"},
	{"bykey", false, "the user's tags, merged by key"},
}

func knownRule(name string) bool {
	for _, r := range rules {
		if r.name == name {
			return true
		}
	}
	return false
}

// ruleFlag is the name of the rule flag of validate.go for rule name: rNonempty.
func ruleFlag(name string) string { return "r" + strings.ToUpper(name[:1]) + name[1:] }

// ruleExpr renders the rule flags of f for the validation helpers.
func ruleExpr(f field) string {
	var rs []string
	for _, r := range rules {
		if r.flag && f.Rules[r.name] {
			rs = append(rs, ruleFlag(r.name))
		}
	}
	if len(rs) == 0 {
		return "0"
	}
	return strings.Join(rs, "|")
}
