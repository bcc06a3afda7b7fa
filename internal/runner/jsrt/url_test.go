package jsrt

import "testing"

// TestURLMatchesNode parses and edits URLs; the expected values were produced by running the same
// script with Node 20 (whose URL implementation, ada, follows the WHATWG standard).
func TestURLMatchesNode(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `const cases = [
  ["http://a.com/dir/"], ["http://a.com/a//b"], ["sub/", "http://a.com/base/"], ["../d?q", "http://h.com/a/b/c"],
  ["http://a.com/x y?q=a b'#f g\x60"], ["HTTP://A.COM:80/"], ["https://a.com:443/p"], ["http://a.com:8080"],
  ["http://[::1]:3000/x"], ["http://[2001:db8:0:0:0:0:2:1]/"], ["http://[::ffff:192.168.0.1]/"], ["http://0x7f.1/"], ["http://127.0.0.1.:80/"], ["http://3232235521/"],
  ["http://münchen.de/ü?ü#ü"], ["http://xn--mnchen-3ya.de/"], ["http://EXAMPLE.com./"],
  ["file:///C:/x/../y"], ["file://localhost/etc/passwd"], ["file:///tmp/a b"], ["x.txt", "file:///dir/y.txt"],
  ["mailto:someone@example.com?subject=hi"], ["data:text/plain,hello world"], ["javascript:alert(1)"],
  ["http:\\\\a.com\\b\\c"], ["//other.com/p", "https://a.com/"], ["?q=1", "http://a.com/p/x"], ["#h", "http://a.com/p/x?q"], ["", "http://a.com/p?q#f"],
  ["http://user:p@ss@a.com/"], ["http://a.com/%2e%2E/b/./c/.%2e/d"], ["http://a.com/^{}|\x60"], ["ws://a.com:80/"], ["blob:https://a.com/uuid"],
  ["non-special://host/a/../b"], ["non-special:/a/./b"], ["foo://"], ["http://a.com/\u00e9\ud83d\ude00"],
  ["http://a b.com/"], ["http://a.com:99999/"], ["http://"], ["http://[::1/"], ["http://1.2.3.4.5/"], ["http://256.0.0.1/"], ["not a url"], ["//x", undefined],
  ["http://a.com/?a=1&b=%zz&c=%41"], ["http://a.com:0/"], ["https://a.com/path?x=%3Cscript%3E"],
];
const out = cases.map(([u, b]) => {
  try { const x = b === undefined ? new URL(u) : new URL(u, b); return [x.href, x.origin, x.host, x.pathname, x.search, x.hash]; } catch (e) { return e.name; }
});
// setters
const s = new URL("http://user@a.com:8080/p?q=1#h");
const set = [];
s.protocol = "https"; set.push(s.href);
s.protocol = "foo"; set.push(s.href);
s.host = "b.com:99"; set.push(s.href);
s.hostname = "c.com"; set.push(s.href);
s.port = "443"; set.push(s.href);
s.port = "abc"; set.push(s.href);
s.port = "12x"; set.push(s.href);
s.pathname = "a b/../c"; set.push(s.href);
s.search = "x=1 2"; set.push(s.href);
s.hash = "frag ment"; set.push(s.href);
s.username = "u s"; s.password = "p@ss"; set.push(s.href);
s.search = ""; s.hash = ""; set.push(s.href);
s.href = "http://new.com/"; set.push(s.href);
const sp = new URL("http://a.com/?a=1&b=2");
sp.searchParams.append("c", "3 4");
sp.searchParams.delete("a");
set.push(sp.href, sp.search);
sp.search = "?z=9";
set.push([...sp.searchParams].join(";"));
sp.searchParams.delete("z");
set.push(sp.href);
const usp = new URLSearchParams("q=a+b%20c&e=%F0%9F%98%80&x=%zz&=v&k=&n");
set.push([...usp].map(p => p.join("=")).join(";"), usp.toString(), new URLSearchParams({ "a b": "c&d=é~*'()!" }).toString());
set.push(URL.canParse("x", "http://a/"), URL.canParse("x"));
({ out, set })
`)
	expectJSON(t, got, `{"out": [
["http://a.com/dir/", "http://a.com", "a.com", "/dir/", "", ""],
["http://a.com/a//b", "http://a.com", "a.com", "/a//b", "", ""],
["http://a.com/base/sub/", "http://a.com", "a.com", "/base/sub/", "", ""],
["http://h.com/a/d?q", "http://h.com", "h.com", "/a/d", "?q", ""],
["http://a.com/x%20y?q=a%20b%27#f%20g%60", "http://a.com", "a.com", "/x%20y", "?q=a%20b%27", "#f%20g%60"],
["http://a.com/", "http://a.com", "a.com", "/", "", ""],
["https://a.com/p", "https://a.com", "a.com", "/p", "", ""],
["http://a.com:8080/", "http://a.com:8080", "a.com:8080", "/", "", ""],
["http://[::1]:3000/x", "http://[::1]:3000", "[::1]:3000", "/x", "", ""],
["http://[2001:db8::2:1]/", "http://[2001:db8::2:1]", "[2001:db8::2:1]", "/", "", ""],
["http://[::ffff:c0a8:1]/", "http://[::ffff:c0a8:1]", "[::ffff:c0a8:1]", "/", "", ""],
["http://127.0.0.1/", "http://127.0.0.1", "127.0.0.1", "/", "", ""],
["http://127.0.0.1/", "http://127.0.0.1", "127.0.0.1", "/", "", ""],
["http://192.168.0.1/", "http://192.168.0.1", "192.168.0.1", "/", "", ""],
["http://xn--mnchen-3ya.de/%C3%BC?%C3%BC#%C3%BC", "http://xn--mnchen-3ya.de", "xn--mnchen-3ya.de", "/%C3%BC", "?%C3%BC", "#%C3%BC"],
["http://xn--mnchen-3ya.de/", "http://xn--mnchen-3ya.de", "xn--mnchen-3ya.de", "/", "", ""],
["http://example.com./", "http://example.com.", "example.com.", "/", "", ""],
["file:///C:/y", "null", "", "/C:/y", "", ""],
["file:///etc/passwd", "null", "", "/etc/passwd", "", ""],
["file:///tmp/a%20b", "null", "", "/tmp/a%20b", "", ""],
["file:///dir/x.txt", "null", "", "/dir/x.txt", "", ""],
["mailto:someone@example.com?subject=hi", "null", "", "someone@example.com", "?subject=hi", ""],
["data:text/plain,hello world", "null", "", "text/plain,hello world", "", ""],
["javascript:alert(1)", "null", "", "alert(1)", "", ""],
["http://a.com/b/c", "http://a.com", "a.com", "/b/c", "", ""],
["https://other.com/p", "https://other.com", "other.com", "/p", "", ""],
["http://a.com/p/x?q=1", "http://a.com", "a.com", "/p/x", "?q=1", ""],
["http://a.com/p/x?q#h", "http://a.com", "a.com", "/p/x", "?q", "#h"],
["http://a.com/p?q", "http://a.com", "a.com", "/p", "?q", ""],
["http://user:p%40ss@a.com/", "http://a.com", "a.com", "/", "", ""],
["http://a.com/b/d", "http://a.com", "a.com", "/b/d", "", ""],
["http://a.com/^%7B%7D|%60", "http://a.com", "a.com", "/^%7B%7D|%60", "", ""],
["ws://a.com/", "ws://a.com", "a.com", "/", "", ""],
["blob:https://a.com/uuid", "https://a.com", "", "https://a.com/uuid", "", ""],
["non-special://host/b", "null", "host", "/b", "", ""],
["non-special:/a/b", "null", "", "/a/b", "", ""],
["foo://", "null", "", "", "", ""],
["http://a.com/%C3%A9%F0%9F%98%80", "http://a.com", "a.com", "/%C3%A9%F0%9F%98%80", "", ""],
"TypeError",
"TypeError",
"TypeError",
"TypeError",
"TypeError",
"TypeError",
"TypeError",
"TypeError",
["http://a.com/?a=1&b=%zz&c=%41", "http://a.com", "a.com", "/", "?a=1&b=%zz&c=%41", ""],
["http://a.com:0/", "http://a.com:0", "a.com:0", "/", "", ""],
["https://a.com/path?x=%3Cscript%3E", "https://a.com", "a.com", "/path", "?x=%3Cscript%3E", ""]
], "set": [
"https://user@a.com:8080/p?q=1#h",
"https://user@a.com:8080/p?q=1#h",
"https://user@b.com:99/p?q=1#h",
"https://user@c.com:99/p?q=1#h",
"https://user@c.com/p?q=1#h",
"https://user@c.com/p?q=1#h",
"https://user@c.com:12/p?q=1#h",
"https://user@c.com:12/c?q=1#h",
"https://user@c.com:12/c?x=1%202#h",
"https://user@c.com:12/c?x=1%202#frag%20ment",
"https://u%20s:p%40ss@c.com:12/c?x=1%202#frag%20ment",
"https://u%20s:p%40ss@c.com:12/c",
"http://new.com/",
"http://a.com/?b=2&c=3+4",
"?b=2&c=3+4",
"z,9",
"http://a.com/",
"q=a b c;e=😀;x=%zz;=v;k=;n=",
"q=a+b+c&e=%F0%9F%98%80&x=%25zz&=v&k=&n=",
"a+b=c%26d%3D%C3%A9%7E*%27%28%29%21",
true,
false
]}`)
}
