package react

import (
	"encoding/json"
	"github.com/govite/govite/internal/sourcemap"
	"slices"
	"strings"
	"testing"
)

func TestRegistersComponents(t *testing.T) {
	src := `import { useState, memo, forwardRef } from "react";
import * as React from "react";
import styled from "styled-components";

export function App() {
  const [count, setCount] = useState(0);
  return <button onClick={() => setCount((c) => c + 1)}>count: {count}</button>;
}
const Arrow = () => <p>arrow</p>;
export const Fn = function () { return <i />; };
export const Memo = memo(() => <b>memo</b>);
export const Fwd = React.forwardRef(function Fwd(props, ref) { return <div ref={ref} />; });
const Both = memo(forwardRef((props, ref) => <span ref={ref} />));
const Styled = styled.div` + "`color: red;`" + `;
const Unused = styled.div` + "`color: blue;`" + `;
const Ctx = React.createContext(null);
const notAComponent = () => <p />;
const lazyThing = 1;
export default function Main() {
  return <><Arrow /><Styled /><Both /></>;
}
`
	c := compileModule(t, "App.jsx", src)
	got := regNames(c.refresh)
	want := []string{"App", "Arrow", "Fn", "Memo$memo", "Memo", "Fwd$React.forwardRef", "Fwd",
		"Both$memo$forwardRef", "Both$memo", "Both", "Styled", "Main"}
	if !slices.Equal(got, want) {
		t.Errorf("registrations:\n got %q\nwant %q", got, want)
	}
	if !c.refresh.Boundary {
		t.Error("a module with components must accept its updates")
	}
	code := c.result.Code
	for _, s := range []string{
		`import * as RefreshRuntime from "/@react-refresh";`,
		`window.$RefreshReg$ = RefreshRuntime.getRefreshReg("/src/App.jsx");`,
		`window.$RefreshSig$ = RefreshRuntime.createSignatureFunctionForTransform;`,
		`throw new Error("@vitejs/plugin-react can't detect preamble. Something is wrong.");`,
		`if (import.meta.hot && !inWebWorker) {`,
		`$RefreshReg$(App, "App");`,
		`$RefreshReg$(Main, "Main");`,
		`import * as __vite_react_currentExports from "./App.jsx";`,
		`const currentExports = __vite_react_currentExports;`,
		`RefreshRuntime.registerExportsForReactRefresh("/src/App.jsx", currentExports);`,
		`import.meta.hot.accept((nextExports) => {`,
		`RefreshRuntime.validateRefreshBoundaryAndEnqueueUpdate("/src/App.jsx", currentExports, nextExports);`,
		`if (invalidateMessage) import.meta.hot.invalidate(invalidateMessage);`,
		`export const Memo = memo(_c = () =>`,
		`const Both = memo(_c4 = forwardRef(_c3 = (props, ref) =>`,
		`jsxDEV(`,
		`from "react/jsx-dev-runtime"`,
	} {
		if !strings.Contains(code, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if strings.Contains(code, `"notAComponent"`) || strings.Contains(code, `"Unused"`) || strings.Contains(code, `"Ctx"`) {
		t.Errorf("registered something that is not a component:\n%s", code)
	}
	if c.result.Loader != "js" {
		t.Errorf("loader = %q, want js", c.result.Loader)
	}
	if s := sigOf(c.refresh, "App"); s == nil || s.Key != "useState{[count, setCount](0)}" {
		t.Errorf("App's signature = %+v", s)
	}
}

func TestDefaultExports(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
		sig       bool
	}{
		{"arrow", `export default () => <div />;`, []string{"%default%"}, false},
		{"arrow with hooks", `import { useState } from "react";
export default () => { const [a] = useState(1); return <div>{a}</div>; };`, []string{"%default%"}, true},
		{"memo", `import { memo, useState } from "react";
export default memo(function Card() { const [a] = useState(1); return <div>{a}</div>; });`, []string{"%default%$memo", "%default%"}, true},
		{"named function", `export default function Page() { return <div />; }`, []string{"Page"}, false},
		{"identifier", `function Page() { return <div />; }
export default Page;`, []string{"Page"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := compileModule(t, "Default.jsx", tc.src)
			if got := regNames(c.refresh); !slices.Equal(got, tc.want) {
				t.Errorf("registrations = %q, want %q\n%s", got, tc.want, c.result.Code)
			}
			if got := len(c.refresh.Signatures) > 0; got != tc.sig {
				t.Errorf("signature = %v, want %v\n%s", got, tc.sig, c.result.Code)
			}
		})
	}
}

func TestSignatureKeys(t *testing.T) {
	src := `import { useState, useReducer, useEffect, useMemo, useRef } from "react";
import * as React from "react";
import { useTheme } from "./theme";

export function Counter({ step }) {
  const [count, setCount] = useState(() => step * 2);
  const [state, dispatch] = useReducer(reducer, { n: 0 });
  const ref = useRef(null);
  const doubled = useMemo(() => count * 2, [count]);
  const { color } = useTheme();
  useEffect(() => {
    // Hooks called in nested functions are not the component's.
    function inner() { useNotCounted(); }
    const cb = () => useAlsoNotCounted();
  }, []);
  React.useLayoutEffect(() => {});
  if (step > 1) {
    useDebug(step);
  }
  const obj = { useMethod() { return 1; } };
  return <p ref={ref}>{count} {doubled} {state.n} {color}</p>;
}
function reducer(s) { return s; }
`
	c := compileModule(t, "Counter.jsx", src)
	s := sigOf(c.refresh, "Counter")
	if s == nil {
		t.Fatalf("no signature for Counter:\n%s", c.result.Code)
	}
	want := strings.Join([]string{
		"useState{[count, setCount](() => step * 2)}",
		"useReducer{[state, dispatch]({ n: 0 })}",
		"useRef{ref}",
		"useMemo{doubled}",
		"useTheme{{ color }}",
		"useEffect{}",
		"useLayoutEffect{}",
		"useDebug{}",
	}, "\n")
	if s.Key != want {
		t.Errorf("key:\n%s\nwant:\n%s", s.Key, want)
	}
	// useTheme is imported: it is listed; useDebug is no binding of the module: forceReset.
	if !slices.Equal(s.CustomHooks, []string{"useTheme"}) || !s.ForceReset {
		t.Errorf("custom hooks = %q, forceReset = %v", s.CustomHooks, s.ForceReset)
	}
	code := c.result.Code
	for _, want := range []string{
		`var _s = $RefreshSig$();`,
		`export function Counter({ step }) {_s();`,
		`, true, () => [useTheme]);`,
	} {
		if !strings.Contains(code, want) {
			t.Errorf("output lacks %q:\n%s", want, code)
		}
	}
}

// keyOf compiles a component and returns its signature key ("" without one).
func keyOf(t *testing.T, src string) string {
	t.Helper()
	c := compileModule(t, "Edit.tsx", src)
	if s := sigOf(c.refresh, "App"); s != nil {
		return s.Key
	}
	return ""
}

func TestSignatureKeyChanges(t *testing.T) {
	base := `import { useState, useEffect } from "react";
export default function App() {
  const [count, setCount] = useState(0);
  useEffect(() => { document.title = String(count); }, [count]);
  return <button onClick={() => setCount(count + 1)}>count is {count}</button>;
}
`
	k := keyOf(t, base)
	if k == "" {
		t.Fatal("no signature")
	}
	same := map[string]string{
		"JSX text":      strings.Replace(base, "count is", "Count:", 1),
		"JSX structure": strings.Replace(strings.Replace(base, "<button", "<div><span>hi</span><button", 1), "</button>", "</button></div>", 1),
		"effect body":   strings.Replace(base, "String(count)", "`n=${count}`", 1),
		"formatting":    strings.Replace(base, "useState(0);", "useState( 0 )  ;", 1),
		"types": strings.Replace(strings.Replace(base, "useState(0)", "useState<number>(0)", 1),
			"export default", "type P = { a: string };\nexport default", 1),
	}
	for name, src := range same {
		if got := keyOf(t, src); got != k {
			t.Errorf("%s: key changed:\n%s\n-> %s", name, k, got)
		}
	}
	different := map[string]string{
		"hook added":         strings.Replace(base, "  useEffect", "  const r = useRef(null);\n  useEffect", 1),
		"hook removed":       strings.Replace(base, "  useEffect(() => { document.title = String(count); }, [count]);\n", "", 1),
		"hooks reordered":    "import { useState, useEffect } from \"react\";\nexport default function App() {\n  useEffect(() => {}, []);\n  const [count, setCount] = useState(0);\n  return <b>{count}</b>;\n}\n",
		"initial state":      strings.Replace(base, "useState(0)", "useState(10)", 1),
		"binding renamed":    strings.Replace(strings.Replace(base, "[count, setCount]", "[n, setN]", 1), "count", "n", -1),
		"hook kind replaced": strings.Replace(base, "useEffect(", "useLayoutEffect(", 1),
	}
	for name, src := range different {
		if got := keyOf(t, src); got == k {
			t.Errorf("%s: key did not change: %s", name, got)
		}
	}
}

func TestTypeScript(t *testing.T) {
	src := `import { useState, type FC, type ReactNode } from "react";
interface Props { title: string; children?: ReactNode }
enum Mode { Light = "light", Dark = "dark" }
type Maybe<T> = T | null;
export const Panel: FC<Props> = ({ title, children }: Props) => {
  const [open, setOpen] = useState<boolean>(false);
  const m: Maybe<Mode> = open ? Mode.Dark : null;
  return <section data-mode={m as string}><h2 onClick={() => setOpen(!open)}>{title}</h2>{open && children}</section>;
};
export function identity<T>(x: T): T { return x; }
export abstract class Base { abstract run(): void }
`
	c := compileModule(t, "Panel.tsx", src)
	if got := regNames(c.refresh); !slices.Equal(got, []string{"Panel"}) {
		t.Errorf("registrations = %q", got)
	}
	if s := sigOf(c.refresh, "Panel"); s == nil || s.Key != "useState{[open, setOpen](false)}" {
		t.Errorf("signature = %+v", s)
	}
	if strings.Contains(c.result.Code, "interface") || strings.Contains(c.result.Code, "FC<") {
		t.Errorf("types left in the output:\n%s", c.result.Code)
	}
}

func TestNoComponents(t *testing.T) {
	// Helpers only: the module is compiled but gets no refresh code and does not accept updates.
	c := compileModule(t, "util.jsx", `export const format = (n) => n.toFixed(2);
export function sum(a, b) { return a + b; }
export const icon = <svg />;
`)
	if c.refresh.Changed || strings.Contains(c.result.Code, "RefreshRuntime") || strings.Contains(c.result.Code, "import.meta.hot") {
		t.Errorf("refresh code in a module without components:\n%s", c.result.Code)
	}
	if !strings.Contains(c.result.Code, "jsxDEV(") {
		t.Errorf("JSX not compiled:\n%s", c.result.Code)
	}
	// The map is esbuild's, unchanged.
	var m testSourceMap
	if err := json.Unmarshal([]byte(c.result.Map), &m); err != nil || len(m.SourcesContent) != 1 {
		t.Errorf("map: %v %s", err, c.result.Map)
	}
}

func TestNonComponentExports(t *testing.T) {
	// A module that also exports values still registers its components and accepts updates; the
	// runtime's validateRefreshBoundaryAndEnqueueUpdate decides whether an update can be applied.
	c := compileModule(t, "Mixed.jsx", `export const API_URL = "/api";
export function useThing() { return 1; }
export function Widget() { return <p>{API_URL}</p>; }
`)
	if got := regNames(c.refresh); !slices.Equal(got, []string{"Widget"}) {
		t.Errorf("registrations = %q", got)
	}
	if !strings.Contains(c.result.Code, "import.meta.hot.accept(") {
		t.Error("no accept")
	}
}

func TestHooksOnlyModule(t *testing.T) {
	// A custom hook module gets signatures (so that the components using it remount when its hooks
	// change) but does not accept its updates: they go to the components that import it.
	c := compileModule(t, "useCounter.ts", `import { useState, useCallback } from "react";
export function useCounter(initial: number) {
  const [n, setN] = useState(initial);
  const inc = useCallback(() => setN((x) => x + 1), []);
  return { n, inc };
}
export const useDouble = (x: number) => { const [d] = useState(x * 2); return d; };
`)
	if len(c.refresh.Registrations) != 0 || c.refresh.Boundary {
		t.Errorf("registrations %q, boundary %v", regNames(c.refresh), c.refresh.Boundary)
	}
	if s := sigOf(c.refresh, "useCounter"); s == nil || s.Key != "useState{[n, setN](initial)}\nuseCallback{inc}" {
		t.Errorf("useCounter signature = %+v", s)
	}
	if s := sigOf(c.refresh, "useDouble"); s == nil || s.Key != "useState{[d](x * 2)}" {
		t.Errorf("useDouble signature = %+v", s)
	}
	if strings.Contains(c.result.Code, "import.meta.hot.accept(") {
		t.Error("a hooks-only module must not accept its updates")
	}
	// A .ts file without hooks or JSX is left to the other plugins.
	if r, err := newPlugin(nil).compile(serveCtx(), "export const x: number = 1;", testRoot+"/src/x.ts"); r != nil || err != nil {
		t.Errorf("plain .ts file: %v %v", r, err)
	}
}

func TestRefreshResetComment(t *testing.T) {
	c := compileModule(t, "Reset.jsx", `// @refresh reset
import { useState } from "react";
export function App() { const [a] = useState(0); return <p>{a}</p>; }
`)
	if s := sigOf(c.refresh, "App"); s == nil || !s.ForceReset {
		t.Errorf("signature = %+v", s)
	}
	if !strings.Contains(c.result.Code, `_s(App, "useState{[a](0)}", true);`) {
		t.Errorf("output:\n%s", c.result.Code)
	}
}

func TestClassComponent(t *testing.T) {
	c := compileModule(t, "Class.jsx", `import React from "react";
export class Clock extends React.Component { render() { return <p>tick</p>; } }
`)
	if !c.refresh.Boundary || !strings.Contains(c.result.Code, "import.meta.hot.accept(") {
		t.Errorf("a class component module must accept its updates:\n%s", c.result.Code)
	}
}

func TestTrickyTokens(t *testing.T) {
	// Text that looks like code inside strings, templates, regular expressions and comments must
	// not be taken for declarations, and must not upset bracket matching.
	src := "import { useState } from \"react\";\n" +
		"const re = /function Fake() {[}]/g;\n" +
		"const s = \"export function Fake2() {\";\n" +
		"/* function Fake3() { */\n" +
		"const tpl = `${(() => { return '}'; })()} function Fake4() {`;\n" +
		"const div = 10 / 2 / 1;\n" +
		"export function Real() {\n" +
		"  const [v] = useState(`a${1 + {x: 1}.x}b`);\n" +
		"  const r = /[/]{2}/.test(s) ? re : null;\n" +
		"  return <p title={\"}\"}>{v}{tpl}{div}</p>;\n" +
		"}\n" +
		"export const Other = () => { if (true) /x/.test(\"x\"); return <i>{`}`}</i>; };\n"
	c := compileModule(t, "Tricky.jsx", src)
	if got := regNames(c.refresh); !slices.Equal(got, []string{"Real", "Other"}) {
		t.Errorf("registrations = %q\n%s", got, c.result.Code)
	}
	if s := sigOf(c.refresh, "Real"); s == nil || s.Key != "useState{[v](`a${1 + { x: 1 }.x}b`)}" {
		t.Errorf("signature = %+v", s)
	}
}

func TestExpressionBodyHooks(t *testing.T) {
	c := compileModule(t, "Expr.jsx", `import { useContext, memo } from "react";
import { Theme } from "./theme";
export const Label = () => useContext(Theme).label;
export const Card = memo((p) => <b>{useContext(Theme).name}</b>);
`)
	code := c.result.Code
	for _, want := range []string{
		`export const Label = () => (_s(), useContext(Theme).label);_s(Label, "useContext{}");`,
		`export const Card = memo(_c = _s2((p) => (_s2(), /* @__PURE__ */ jsxDEV(`,
		`, "useContext{}"));_s2(Card, "useContext{}");`,
	} {
		if !strings.Contains(code, want) {
			t.Errorf("output lacks %q:\n%s", want, code)
		}
	}
}

func TestFreshNames(t *testing.T) {
	// The module's own _s and _c are not reused.
	c := compileModule(t, "Names.jsx", `import { useState, memo } from "react";
const _s = 1, _c = 2;
export const A = memo(() => { const [x] = useState(_s + _c); return <p>{x}</p>; });
`)
	code := c.result.Code
	if !strings.Contains(code, "var _s2 = $RefreshSig$();") || !strings.Contains(code, "var _c2;") || !strings.Contains(code, "memo(_c2 = _s2(") {
		t.Errorf("fresh names not used:\n%s", code)
	}
}

func TestSourceMapPointsAtOriginal(t *testing.T) {
	src := `import { useState, memo } from "react";

export function App() {
  const [count, setCount] = useState(0);
  return <button onClick={() => setCount(count + 1)}>{"MARK_A"}</button>;
}

export const Memo = memo(() => { const [x] = useState("MARK_B"); return <i>{x}</i>; });

const Arrow = () => useState("MARK_C")[0];
export default Arrow;
`
	c := compileModule(t, "Map.jsx", src)
	var m testSourceMap
	if err := json.Unmarshal([]byte(c.result.Map), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Sources) != 1 || !strings.HasSuffix(m.Sources[0], "Map.jsx") || len(m.SourcesContent) != 1 || *m.SourcesContent[0] != src {
		t.Fatalf("sources = %q, sourcesContent = %v", m.Sources, m.SourcesContent)
	}
	lines := sourcemap.Decode(m.Mappings)
	exact := 0
	for _, mark := range []string{`"MARK_A"`, `"MARK_B"`, `"MARK_C"`} {
		wantLine, wantCol := position(src, mark)
		gotLine, gotCol := position(c.result.Code, mark)
		if gotLine >= len(lines) {
			t.Fatalf("%s: generated line %d has no mappings", mark, gotLine)
		}
		// The segment the literal falls in must come from the literal's line; a segment that starts
		// at the literal must point at its column.
		var seg sourcemap.Segment
		for _, sg := range lines[gotLine] {
			if sg[0] <= gotCol && len(sg) >= 4 {
				seg = sg
			}
		}
		if seg == nil {
			t.Errorf("%s: no mapping at generated %d:%d (line %q)", mark, gotLine+1, gotCol, strings.Split(c.result.Code, "\n")[gotLine])
			continue
		}
		if seg[2] != wantLine || (seg[0] == gotCol && seg[3] != wantCol) {
			t.Errorf("%s: maps to %d:%d, want %d:%d", mark, seg[2]+1, seg[3], wantLine+1, wantCol)
		}
		if seg[0] == gotCol {
			exact++
			t.Logf("%s: exact mapping %d:%d -> %d:%d", mark, gotLine+1, gotCol, seg[2]+1, seg[3])
		}
	}
	if exact == 0 {
		t.Error("no segment starts at a marker: the test does not check columns")
	}
	// The prologue's lines map to nothing.
	if len(lines[0]) != 0 {
		t.Errorf("the first line (prologue) has mappings: %v", lines[0])
	}
}

// position returns the 0-based line and column of the first occurrence of s.
func position(code, s string) (int, int) {
	i := strings.Index(code, s)
	if i < 0 {
		return -1, -1
	}
	line := strings.Count(code[:i], "\n")
	return line, i - (strings.LastIndex(code[:i], "\n") + 1)
}

// testSourceMap is the part of a source map the tests read.
type testSourceMap struct {
	Sources        []string  `json:"sources"`
	SourcesContent []*string `json:"sourcesContent"`
	Mappings       string    `json:"mappings"`
}
