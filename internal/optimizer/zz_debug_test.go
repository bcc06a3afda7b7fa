package optimizer

import (
	"fmt"
	"testing"
)

func TestZZDebug(t *testing.T) {
	for _, s := range []string{
		`import React, * as R from "react";`,
		`import {default as R, from} from "react"`,
		`import from from "react"`,
		`import { type Foo, useState } from "react"`,
		`import x from "react" with { type: "json" };`,
		`export { default } from "react"`,
		`import /* c */ R /* d */ from 'react' // trailing`,
	} {
		out, err := RewriteInteropImport(s, "/r.js", 0)
		fmt.Printf("%s\n  => %s (%v)\n", s, out, err)
	}
}
