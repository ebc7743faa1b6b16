module github.com/compliancekit/userevents/bench

go 1.26.0

require (
	github.com/compliancekit/userevents v0.0.0
	github.com/evanphx/json-patch/v5 v5.9.11
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	sigs.k8s.io/yaml v1.6.0
)

require (
	github.com/shopspring/decimal v1.6.0 // indirect
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/compliancekit/userevents => ../
