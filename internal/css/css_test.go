package css

import (
	"slices"
	"testing"
)

func TestLocalNames(t *testing.T) {
	css := ".Card_ab12c_card { color: red }\n.Card_ab12c_card:hover .Card_ab12c_title-x {}\n@keyframes Card_ab12c_spin {}\n.Card_ab12c_ünï .Card_ab12c_ {}\n.a { animation: Card_ab12c_spin 1s }"
	got := localNames(css, "Card_ab12c")
	want := []string{"card", "title-x", "spin", "ünï"}
	if !slices.Equal(got, want) {
		t.Fatalf("localNames = %q, want %q", got, want)
	}
}
