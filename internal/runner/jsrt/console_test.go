package jsrt

import (
	"log/slog"
	"strings"
	"testing"
)

func TestConsoleLevelsAndFormat(t *testing.T) {
	rt, logs := newTestRuntime(t)
	evalJSON(t, rt, `
		console.log("plain", 1, true, null, undefined);
		console.info("%s is %d years and %i days, %f%%", "Bob", 42.5, 3.9, 1.5);
		console.debug("obj %o and %O and %j", { a: [1, { b: 2 }] }, { c: "x" }, { d: 1 });
		console.warn({ a: 1, s: "str", n: null, nested: { deep: { deeper: { deepest: 1 } } }, arr: [1, "two"], f() {}, [Symbol("k")]: 1 });
		console.error(new Map([["k", { v: 1 }]]), new Set([1, "a"]), [1, , 3], new Uint8Array([1, 2, 3]));
		console.log(new Date(0), /re/g, -0, 10n, Symbol("s"), function named() {}, class K {}, () => {});
		console.log(new Headers({ "X-B": "2", "x-a": "1" }), new URL("http://example.com/p?q=1"), Promise.resolve(5), new Promise(() => {}));
		class Point { constructor() { this.x = 1; this.y = 2 } }
		const cyc = { name: "cyc" }; cyc.self = cyc;
		console.log(new Point(), cyc, Object.create(null), "%c styled", "color: red");
		console.log("%s", { toString() { return "custom" } }, "%s left", "extra");
		console.log("%cstyled%c!", "color: red", "", new AbortController().signal, new Event("e"));
		console.log("a\nb", ["a\nb"], "it's", "%c", "css");
		console.assert(1 === 1, "not shown");
		console.assert(false, "shown %s", "formatted");
		console.group("group");
		console.log("inside");
		console.groupEnd();
		console.log("outside");
		console.count(); console.count(); console.count("x");
		console.table([{ a: 1, b: "x" }, { a: 2, c: true }]);
		console.dir({ dir: 1 });
	`)
	recs := logs.all()
	want := []struct {
		level slog.Level
		msg   string
	}{
		{slog.LevelInfo, "plain 1 true null undefined"},
		{slog.LevelInfo, "Bob is 42.5 years and 3 days, 1.5%"},
		{slog.LevelDebug, "obj { a: [ 1, { b: 2 } ] } and { c: 'x' } and {\"d\":1}"},
		{slog.LevelWarn, "{\n  a: 1,\n  s: 'str',\n  n: null,\n  nested: { deep: { deeper: [Object] } },\n  arr: [ 1, 'two' ],\n  f: [Function: f],\n  [Symbol(k)]: 1\n}"},
		{slog.LevelError, "Map(1) { 'k' => { v: 1 } } Set(2) { 1, 'a' } [ 1, <1 empty item>, 3 ] Uint8Array(3) [ 1, 2, 3 ]"},
		{slog.LevelInfo, "1970-01-01T00:00:00.000Z /re/g -0 10n Symbol(s) [Function: named] [class K] [Function (anonymous)]"},
		{slog.LevelInfo, "Headers { 'x-a': '1', 'x-b': '2' } URL { href: 'http://example.com/p?q=1' } Promise { 5 } Promise { <pending> }"},
		{slog.LevelInfo, "Point { x: 1, y: 2 } { name: 'cyc', self: [Circular] } [Object: null prototype] {} %c styled color: red"},
		{slog.LevelInfo, "custom %s left extra"},
		{slog.LevelInfo, "styled! AbortSignal { aborted: false } Event { type: 'e', defaultPrevented: false, cancelable: false }"},
		{slog.LevelInfo, "a\nb [ 'a\\nb' ] it's %c css"},
		{slog.LevelError, "Assertion failed: shown formatted"},
		{slog.LevelInfo, "group"},
		{slog.LevelInfo, "  inside"},
		{slog.LevelInfo, "outside"},
		{slog.LevelInfo, "default: 1"},
		{slog.LevelInfo, "default: 2"},
		{slog.LevelInfo, "x: 1"},
	}
	if len(recs) < len(want) {
		t.Fatalf("got %d records, want at least %d: %q", len(recs), len(want), logs.messages())
	}
	for i, w := range want {
		if recs[i].Msg != w.msg || recs[i].Level != w.level || recs[i].Env != "test" {
			t.Errorf("record %d:\n got %v %q (env %q)\nwant %v %q", i, recs[i].Level, recs[i].Msg, recs[i].Env, w.level, w.msg)
		}
	}
	table := recs[len(want)].Msg
	for _, s := range []string{"(index)", "│    0    │ 1 │ 'x' │", "true"} {
		if !strings.Contains(table, s) {
			t.Errorf("table lacks %q:\n%s", s, table)
		}
	}
	if last := recs[len(recs)-1].Msg; last != "{ dir: 1 }" {
		t.Errorf("dir: %q", last)
	}
}

func TestConsoleErrorsAndTimers(t *testing.T) {
	rt, logs := newTestRuntime(t)
	evalJSON(t, rt, `
		function thrower() { return new TypeError("bad input", { cause: "why" }) }
		console.error("failed:", thrower());
		console.log({ err: new Error("nested") });
		console.time("t");
		console.timeEnd("t");
		console.timeEnd("t");
		console.trace("here");
	`)
	recs := logs.all()
	if len(recs) != 5 {
		t.Fatalf("records: %q", logs.messages())
	}
	if m := recs[0].Msg; !strings.HasPrefix(m, "failed: TypeError: bad input\n\tat thrower (") || !strings.Contains(m, "[cause]: 'why'") {
		t.Errorf("error with stack: %q", m)
	}
	if m := recs[1].Msg; m != "{ err: [Error: nested] }" {
		t.Errorf("nested error: %q", m)
	}
	if m := recs[2].Msg; !strings.HasPrefix(m, "t: ") || !strings.HasSuffix(m, "ms") {
		t.Errorf("timeEnd: %q", m)
	}
	if recs[3].Level != slog.LevelWarn || recs[3].Msg != "No such label 't' for console.timeEnd()" {
		t.Errorf("second timeEnd: %+v", recs[3])
	}
	if m := recs[4].Msg; !strings.HasPrefix(m, "Trace: here\n") || !strings.Contains(m, "<eval>") {
		t.Errorf("trace: %q", m)
	}
}

func TestConsoleDefaultLogger(t *testing.T) {
	// A nil Logger means slog.Default().
	logs := &logRecorder{}
	old := slog.Default()
	slog.SetDefault(slog.New(logs))
	defer slog.SetDefault(old)
	rt, err := New(Options{Name: "dflt"})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	evalJSON(t, rt, `console.log("to the default logger")`)
	if recs := logs.all(); len(recs) != 1 || recs[0].Msg != "to the default logger" || recs[0].Env != "dflt" {
		t.Errorf("records: %+v", recs)
	}
}
