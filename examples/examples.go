// Package examples embeds the example compensation plans, so that the demo
// and tests can use them without depending on the working directory.
package examples

import "embed"

// Plans holds plans/*.yaml, the example compensation plans.
//
//go:embed plans/*.yaml
var Plans embed.FS

// Plan returns the text of the example plan named name (without ".yaml").
func Plan(name string) ([]byte, error) {
	return Plans.ReadFile("plans/" + name + ".yaml")
}
